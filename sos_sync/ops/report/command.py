"""`sos-sync report`: the progress report for the council and the network (SPEC §10)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import click

TERMS = ("autumn", "spring", "summer")  # as `period.TERMS`; kept here so `--help` stays light


def _print(report_json: dict[str, object], path: Path | None) -> None:
    head = report_json["headline"]
    assert isinstance(head, dict)
    period = report_json["period"]
    assert isinstance(period, dict)
    click.echo(f"Progress report: {period['label']} ({period['start']} to {period['as_of']})")
    width = max(len(h["label"]) for h in head.values())
    for h in head.values():
        click.echo(f"  {h['label']:<{width}}  {h['value']:>5}")
    click.echo("")
    click.echo(str(report_json["narrative"]))
    if path is not None:
        click.echo("")
        click.echo(f"Report written to {path}")


@click.command("report")
@click.option(
    "-w",
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: os.environ.get("SOS_SYNC_WORKSPACE", "."),
    show_default="current folder or $SOS_SYNC_WORKSPACE",
    help="The workspace folder.",
)
@click.option("--term", type=click.Choice(TERMS), help="One term of the academic year.")
@click.option("--year", metavar="2024-25", help="The academic year (September to August).")
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="First day of the period.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Last day of the period.")
@click.option("--today", metavar="YYYY-MM-DD", help="Report as if today were this date.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report here (.html, .pdf, .docx or .xlsx); never over an existing file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def report(
    workspace: Path,
    term: str | None,
    year: str | None,
    date_from: str | None,
    date_to: str | None,
    today: str | None,
    out: Path | None,
    as_json: bool,
) -> None:
    """A termly or annual progress report: figures, charts, lists (names schools, not people).

    Without --term, --year or --from/--to it covers the current term to date. Without
    --out the HTML report is kept in the workspace's reports/progress/ folder.
    """
    # Imported here: pandas and matplotlib load only when a report is made, not on every
    # `sos-sync` command (`--version` answers in under 0.3 s, SPEC §12).
    from .model import build_report
    from .output import default_path, format_of, write_report
    from .period import parse_date, resolve_period
    from .source import SosSyncError

    try:
        if out is not None:
            format_of(out)
        day = parse_date(today, "--today") if today else dt.date.today()
        period = resolve_period(day, term=term, year=year, date_from=date_from, date_to=date_to)
        built = build_report(workspace, period)
        target = out if out is not None else (None if as_json else default_path(workspace, built))
        path = write_report(built, target, day) if target is not None else None
    except SosSyncError as exc:
        if not as_json:
            raise
        error = {"ok": False, "error": str(exc), "exit_code": exc.exit_code}
        click.echo(json.dumps(error, sort_keys=True))
        sys.exit(exc.exit_code)
    data = built.as_json()
    if as_json:
        data["path"] = str(path) if path else None
        click.echo(json.dumps(data, sort_keys=True, ensure_ascii=False))
        return
    _print(data, path)
