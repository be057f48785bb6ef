"""`sos-sync init DIR`: a new workspace with a commented configuration."""

from __future__ import annotations

from pathlib import Path

import click

from sos_sync.cli.output import say


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--backend", type=click.Choice(["local", "google"]), default="local", show_default=True
)
@click.option(
    "--spreadsheet-id",
    metavar="ID",
    help="The master Google Sheet's id (the long part of its address); google only.",
)
def init(folder: Path, backend: str, spreadsheet_id: str | None) -> None:
    """Create a new workspace in FOLDER with a commented config."""
    from sos_sync.ops.workspace import init_workspace

    if spreadsheet_id and backend != "google":
        raise click.UsageError("--spreadsheet-id is for `--backend google`.")
    ws = init_workspace(folder, backend, spreadsheet_id=spreadsheet_id)
    say(f"Created the workspace {ws}.")
    say(f"  configuration: {ws / 'sos-sync.toml'}")
    say(f"  programme:     {ws / 'programme.toml'} (2024-25; see `sos-sync programme import`)")
    if backend == "local":
        say(f"  put the forms' CSV exports in {ws / 'inbox'}, then run `sos-sync sync -w {folder}`")
        return
    todo = "calendar_id, documents_folder_id" if spreadsheet_id else "spreadsheet_id, calendar_id"
    say(
        f"  fill in [google] ({todo}) and each form's form_id in {ws / 'sos-sync.toml'}, then run "
        f"`sos-sync auth login -w {folder} --client-secrets FILE`, `sos-sync doctor -w {folder}` "
        f"and `sos-sync sync -w {folder}`"
    )
