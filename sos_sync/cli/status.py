"""`sos-sync status`: schools per step, stalled schools and open problems (reads only)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from sos_sync.cli.output import JSON, TODAY, WORKSPACE, emit_json, error, say, show, steps_table


@click.command()
@WORKSPACE
@JSON
@TODAY
@click.pass_context
def status(ctx: click.Context, workspace: Path, as_json: bool, today: dt.date) -> None:
    """Schools per step, stalled schools and open problems (reads only; exit 1 if the tracker
    cannot be read)."""
    from sos_sync.cli.emulated import served
    from sos_sync.ops.status import workspace_status

    with served(workspace):
        st = workspace_status(workspace, today)
    failed = st["tracker_error"] is not None
    if as_json:
        emit_json({**st, "exit_code": 1 if failed else 0, "error": st["tracker_error"]})
    else:
        for line in dict.fromkeys((st["attention"], st["tracker_error"])):
            if line:
                error(line, style="bold red")
        if not failed:
            show(steps_table(st["by_step"]))
            say(f"Stalled schools: {len(st['stalled'])}")
            for s in st["stalled"][:20]:
                say(f"  - {s['school']} ({s['urn']}), last activity {s['last_activity']}")
            say(f"Open problems: {st['open_problems']} (`sos-sync problems` lists them)")
        if st["last_run"]:
            lr = st["last_run"]
            say(f"Last run: {lr.get('finished', '?')} ({'ok' if lr.get('ok') else 'FAILED'})")
    if failed:
        ctx.exit(1)
