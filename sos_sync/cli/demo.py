"""`sos-sync demo`: a fictional sample workspace, synced, and where to look."""

from __future__ import annotations

import datetime as dt
import shlex
from pathlib import Path
from typing import Any

import click

from sos_sync.cli.output import JSON, emit_json, say
from sos_sync.cli.sync import print_result


def where_to_look(backend: str, ws: Path) -> list[tuple[str, Path, str]]:
    """(label, path, what) for each thing the demo made, only those that exist."""
    if backend == "emulator":
        found = [
            ("emulator", ws / "emulator-state.json", "the rehearsal Google: sheet, calendar, docs")
        ]
    else:
        found = [
            ("tracker", ws / "tracker.xlsx", "open in Excel or LibreOffice"),
            ("calendar", ws / "calendar.ics", "import into Google Calendar or Outlook"),
            ("documents", ws / "docs", "feedback and award letters, .docx"),
        ]
    found += [
        ("report", ws / "reports", "the morning report"),
        ("inbox", ws / "inbox", "the forms' CSV exports"),
        ("config", ws / "sos-sync.toml", "the workspace's settings"),
    ]
    return [f for f in found if f[1].exists()]


@click.command()
@click.option(
    "--backend", type=click.Choice(["local", "emulator"]), default="local", show_default=True
)
@click.option(
    "--inbox", type=click.Path(file_okay=False, path_type=Path), help="Use these CSV exports."
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-workspace"),
    show_default=True,
)
@JSON
@click.option("--today", "today", metavar="YYYY-MM-DD", help="Run as if today were this date.")
def demo(backend: str, inbox: Path | None, out_dir: Path, as_json: bool, today: str | None) -> None:
    """Sync a fictional sample workspace and show where to look."""
    from sos_sync.ops.sample import DEMO_TODAY

    try:
        day = dt.date.fromisoformat(today) if today else DEMO_TODAY
    except ValueError:
        raise click.BadParameter(
            f"`{today}` is not a date: use YYYY-MM-DD", param_hint="--today"
        ) from None
    result: Any
    if backend == "emulator":
        from sos_sync.ops.demo_google import run_emulator_demo

        result = run_emulator_demo(out_dir, day, inbox)
    else:
        from sos_sync.ops.demo import run_demo

        result = run_demo(out_dir, day, inbox)
    if as_json:
        emit_json(result.as_json())
        return
    say(f"sos-sync demo — a fictional workspace, synced as of {day:%d %B %Y}.", "bold")
    print_result(result)
    say("")
    say("Where to look:")
    for label, path, what in where_to_look(backend, out_dir):
        say(f"  {label:<9} {path}  ({what})")
    again = ["sos-sync", "demo", "--out", str(out_dir)]
    if backend == "emulator":
        again[2:2] = ["--backend", "emulator"]
    say(f"Run it again: `{shlex.join(again)}` is a second night (nothing changes).")
    ws = shlex.quote(str(out_dir))
    say(f"Look around:  `sos-sync status -w {ws}`, `sos-sync problems -w {ws}`")
