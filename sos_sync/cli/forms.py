"""`sos-sync forms create | sync | print` (SPEC §10): the library work is in `ops/forms.py`.

The Google-side modules are imported inside the commands, so `sos-sync --help` stays quick.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from sos_sync.cli.output import JSON, TODAY, WORKSPACE

DRY_RUN = click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")


@click.group()
def forms() -> None:
    """The five forms: create them on Google, keep the sign-up choices in step, or print a checklist."""


def _show(report: object, as_json: bool) -> None:
    from sos_sync.ops.forms import FormsReport

    assert isinstance(report, FormsReport)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": True,
                    "dry_run": report.dry_run,
                    "created": report.created,
                    "writes": report.writes,
                    "changes": report.lines,
                },
                ensure_ascii=False,
            )
        )
        return
    for line in report.lines:
        click.echo(("would " if report.dry_run and not line.startswith("Every") else "") + line)


@forms.command("create")
@WORKSPACE
@TODAY
@DRY_RUN
@JSON
def forms_create_command(workspace: Path, today: dt.date, dry_run: bool, as_json: bool) -> None:
    """Create the five Google Forms this workspace lacks and record their ids (google backend)."""
    from sos_sync.ops.forms import forms_create

    _show(forms_create(workspace, today, dry_run=dry_run), as_json)


@forms.command("sync")
@WORKSPACE
@TODAY
@DRY_RUN
@JSON
def forms_sync_command(workspace: Path, today: dt.date, dry_run: bool, as_json: bool) -> None:
    """Keep the sign-up form's event choices equal to the programme's events to come."""
    from sos_sync.ops.forms import forms_sync

    _show(forms_sync(workspace, today, dry_run=dry_run), as_json)


@forms.command("print")
@WORKSPACE
@TODAY
def forms_print_command(workspace: Path, today: dt.date) -> None:
    """Every form's questions and exact choices, as a checklist to build them by hand."""
    from sos_sync.ops.forms import forms_checklist

    click.echo(forms_checklist(workspace, today), nl=False)
