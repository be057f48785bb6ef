"""`sos-sync emulator serve`: run the Google Workspace emulator in the foreground."""

from __future__ import annotations

import click


@click.group(name="emulator")
def emulator() -> None:
    """A local Google Workspace emulator for the google backend (Sheets, Drive, Forms, Calendar, Docs)."""


@emulator.command()
@click.option("--port", type=int, default=8765, show_default=True, help="0 picks a free port.")
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Persist the emulated world in this JSON file (atomic writes).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--quotas/--no-quotas",
    default=True,
    show_default=True,
    help="Google's per-minute limits (Sheets 60, Forms 150, Drive 12,000) and its 429s.",
)
def serve(port: int, state_file: str | None, host: str, quotas: bool) -> None:
    """Serve until killed; prints `Emulator listening on http://HOST:PORT`."""
    from sos_sync.emulator.quota import GOOGLE_QUOTAS
    from sos_sync.emulator.server import make_server

    server = make_server(host, port, state_file)
    server.state.settings["quotas"] = dict(GOOGLE_QUOTAS) if quotas else {}
    click.echo(f"Emulator listening on {server.base_url}", nl=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
