"""`sos-sync sync`: one night – responses in; tracker, calendar and documents out."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from sos_sync.cli.output import JSON, SETTINGS, TODAY, WORKSPACE, emit_json, say, show, steps_table
from sos_sync.cli.output import warn as warn_line


def print_plan(result: Any) -> None:
    """Every row and cell a dry run would write."""
    if result.quiet:
        say("Nothing to change: the tracker already matches the responses.")
        return
    for tp in result.tab_plans:
        new = [r for r in tp.rows if r.new]
        say(f"{tp.tab}: {len(new)} new row(s), {len(tp.rows) - len(new)} changed row(s)")
        for h in tp.add_headers:
            say(f"  + column {h}")
        for r in tp.rows:
            cells = ", ".join(f"{c.column}={c.value[:60]!r}" for c in r.cells)
            say(f"  {'+ row' if r.new else '~ row'} {r.key}: {cells}")


def print_result(result: Any) -> None:
    """The night's summary: steps, counts, and the new problems."""
    j = result.as_json()
    show(steps_table(result.by_step))
    say(
        f"Responses: {j['responses']['new']} new, {j['responses']['updated']} updated. "
        f"Schools: {j['schools']['created']} new, {j['schools']['updated']} changed. "
        f"Writes: {j['writes']}."
    )
    for kind, why in result.failed_forms.items():
        warn_line(f"Form {kind} failed closed: {why}", style="red")
    n_new, n_open = len(result.new_problems), len(result.problems)
    if not n_open:
        return
    say(f"{n_open} problem(s) need a person ({n_new} new): see the `Needs review` tab.", "yellow")
    for p in result.new_problems[:10]:
        who = f"{p.school} ({p.urn})" if p.urn else p.school or p.source_key
        say(f"  - {who}: {p.reason}")
    if n_new > 10:
        say(f"  … and {n_new - 10} more (`sos-sync problems` lists them all)")


@click.command()
@WORKSPACE
@click.option("--dry-run", is_flag=True, help="Print the plan and write nothing.")
@JSON
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How events are logged on stderr (json: one object per line, for machines).",
)
@TODAY
def sync(workspace: Path, dry_run: bool, as_json: bool, log_format: str, today: dt.date) -> None:
    """Run one night: responses in, tracker, calendar and documents out."""
    from sos_sync.cli.emulated import served
    from sos_sync.run.nightly import run_night

    spinner = sys.stderr.isatty() and not (as_json or SETTINGS.quiet) and log_format == "text"
    with served(workspace):
        if spinner:
            from rich.console import Console

            with Console(stderr=True).status("Syncing…", spinner="dots"):
                result = run_night(workspace, today, dry_run=dry_run, log_format=log_format)
        else:
            result = run_night(
                workspace,
                today,
                dry_run=dry_run,
                log_format=log_format,
                echo_events=SETTINGS.verbose,
            )
    if as_json:
        emit_json(result.as_json())
    elif dry_run:
        print_plan(result)
        say("(dry run: nothing was written)")
    else:
        print_result(result)
