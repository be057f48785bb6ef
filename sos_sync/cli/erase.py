"""`sos-sync erase`: remove a person's or a school's personal data, and keep it out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from sos_sync.cli.output import TODAY, WORKSPACE, say


@click.command()
@click.option("--email", help="Erase this person's personal data.")
@click.option("--urn", help="Erase the personal data held about this school's staff.")
@click.option("--dry-run", is_flag=True, help="Say what would be removed; change nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--undo", is_flag=True, help="Take them off the suppression list again.")
@WORKSPACE
@TODAY
def erase(
    email: str | None,
    urn: str | None,
    dry_run: bool,
    yes: bool,
    undo: bool,
    workspace: Path,
    today: dt.date,
) -> None:
    """Remove a person's or school's personal data, and keep it from coming back."""
    from sos_sync.cli.emulated import served
    from sos_sync.ops.erase import ErasurePlan, erase, undo_erase

    if undo:
        if undo_erase(workspace, email=email, urn=urn):
            say(
                "Taken off the suppression list: the next night brings back what the forms "
                "still hold (generated documents are made again)."
            )
        else:
            say("They were not on the suppression list; nothing was changed.")
        return

    def confirm(plan: ErasurePlan) -> bool:
        for line in plan.lines():
            say(line)
        if dry_run:
            say("(dry run: nothing was changed)")
            return False
        return yes or click.confirm("This cannot be undone except by `--undo`. Erase?", abort=True)

    with served(workspace):
        report: Any = erase(workspace, today, email=email, urn=urn, confirm=confirm)
    if report is None:
        if not dry_run:
            say("Nothing was changed.")
        return
    for line in report.lines():
        say(line)
