"""`sos-sync programme list|import`: the year's programme of events."""

from __future__ import annotations

from pathlib import Path

import click

from sos_sync.cli.output import JSON, WORKSPACE, emit_json, say, show

COLUMNS = ("key", "title", "start", "end", "where", "mode", "form_label")


@click.group()
def programme() -> None:
    """The year's programme of events."""


@programme.command("list")
@WORKSPACE
@JSON
def programme_list(workspace: Path, as_json: bool) -> None:
    """Every event: key, title, start, end, where, mode and form label."""
    from rich.table import Table

    from sos_sync.config.load import load_config

    config = load_config(workspace)
    events = [e.model_dump() for e in config.programme.events]
    if as_json:
        emit_json(events)
        return
    t = Table(title=f"Programme {config.programme.academic_year}")
    for col in COLUMNS:
        t.add_column(col)
    for e in events:
        t.add_row(*(str(e[c] or "") for c in COLUMNS))
    show(t)


@programme.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@WORKSPACE
@click.option("--dry-run", is_flag=True, help="Report what the import would make; write nothing.")
def programme_import(file: Path, workspace: Path, dry_run: bool) -> None:
    """Turn an offer table (What / When / Where) into the workspace's programme.

    Refuses a file with no offer table (exit 2, programme unchanged); keeps the previous
    programme in backups/.
    """
    from sos_sync.config.load import load_config
    from sos_sync.programme_import.store import import_programme
    from sos_sync.run.lock import workspace_lock

    config = load_config(workspace, programme_optional=True)
    with workspace_lock(config.workspace):
        done = import_programme(file, config.path(config.raw.programme), dry_run=dry_run)
    for line in done.report.lines():
        say(line)
    if done.backup is not None:
        say(f"The previous programme is kept as {done.backup}.")
    if dry_run:
        say("(dry run: the programme was not changed)")
