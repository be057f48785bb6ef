"""`sos-sync doctor`: checks the runs, the configuration and access, and says what to fix."""

from __future__ import annotations

from pathlib import Path

import click

from sos_sync.cli.output import JSON, WORKSPACE, emit_json, say

MARKS = {"ok": ("ok", "green"), "warn": ("warn", "yellow"), "fail": ("FAIL", "red")}


@click.command()
@WORKSPACE
@JSON
@click.pass_context
def doctor(ctx: click.Context, workspace: Path, as_json: bool) -> None:
    """Check the last run, the config and access to every form, sheet, calendar and folder."""
    from rich.text import Text

    from sos_sync.cli.emulated import served
    from sos_sync.cli.output import show
    from sos_sync.ops.doctor import run_doctor

    with served(workspace):
        checks = run_doctor(workspace)
    failed = [c for c in checks if not c.ok]
    if as_json:
        emit_json(
            {
                "ok": not failed,
                "exit_code": 1 if failed else 0,
                "checks": [
                    {"name": c.name, "status": c.status, "detail": c.detail} for c in checks
                ],
            }
        )
    else:
        for c in checks:
            mark, style = MARKS[c.status]
            show(Text.assemble((f"{mark:>4} ", style), f"{c.name}: {c.detail}"))
        if failed:
            say(f"{len(failed)} check(s) failed: fix them, then run `sos-sync doctor` again.")
        else:
            say("All checks passed.")
    if failed:
        ctx.exit(1)
