"""`sos-sync schedule show`: the nightly schedule, filled in for this workspace."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from sos_sync.cli.output import WORKSPACE


@click.group()
def schedule() -> None:
    """Recipes to run the job every night (cron, systemd, a CI workflow, Windows)."""


@schedule.command("show")
@click.option(
    "--kind",
    type=click.Choice(["cron", "systemd", "ci", "windows"]),
    default="cron",
    show_default=True,
    help="windows: a Task Scheduler task (XML for Register-ScheduledTask).",
)
@click.option("--time", "at", default="02:30", show_default=True, help="UK time, HH:MM.")
@WORKSPACE
def schedule_show(kind: str, at: str, workspace: Path) -> None:
    """Print the recipe filled in for this workspace."""
    from sos_sync.ops.schedule import recipe

    exe = shutil.which("sos-sync") or str(Path(sys.argv[0]).resolve())
    try:
        files = recipe(kind, workspace.resolve(), str(Path(exe).resolve()), time=at)  # type: ignore[arg-type]
    except ValueError as exc:
        raise click.BadParameter(
            str(exc), param_hint="--time" if "time" in str(exc) else None
        ) from exc
    for name, text in files.items():
        if kind in ("systemd", "ci"):
            click.echo(f"# ---- {name}")
        click.echo(text, nl=False)  # never wrapped: it is pasted into a crontab, unit or task
