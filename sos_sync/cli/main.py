"""The command line: a thin layer over library functions (SPEC §10).

One function per command; errors become exit codes in one place (`main`):
0 completed (problems routed to `Needs review` still count), 1 failed or partly
applied, 2 usage or configuration error, 75 another run holds the workspace lock.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from sos_sync.domain.steps import STAGE_LABELS
from sos_sync.errors import ConfigError, SosSyncError

out = Console(soft_wrap=True)  # paths and messages are pasted: never break them
err = Console(stderr=True)

WORKSPACE = click.option(
    "-w",
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: os.environ.get("SOS_SYNC_WORKSPACE", "."),
    show_default="current folder or $SOS_SYNC_WORKSPACE",
    help="The workspace folder.",
)


def _today(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"`{value}` is not a date: use YYYY-MM-DD", param_hint="--today"
        ) from None


TODAY = click.option(
    "--today", "today", metavar="YYYY-MM-DD", help="Run as if today were this date."
)


def _steps_table(
    by_step: dict[int, int] | dict[str, int], title: str = "Schools per step"
) -> Table:
    t = Table(title=title)
    t.add_column("Step", justify="right")
    t.add_column("Stage")
    t.add_column("Schools", justify="right")
    for s in range(1, 6):
        n = by_step.get(s, by_step.get(str(s), 0))  # type: ignore[call-overload]
        t.add_row(str(s), STAGE_LABELS[s], str(n))
    return t


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sos-sync")
def cli() -> None:
    """sos-sync: the Schools of Sanctuary nightly job.

    Reads form responses into one tracker, works out each school's step, keeps the
    programme's calendar and generates feedback documents.
    """


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--backend", type=click.Choice(["local", "google"]), default="local", show_default=True
)
def init(folder: Path, backend: str) -> None:
    """Create a new workspace in FOLDER with a commented config."""
    from sos_sync.ops.workspace import init_workspace

    ws = init_workspace(folder, backend)
    out.print(f"Created the workspace [bold]{ws}[/bold].")
    out.print(f"  configuration: {ws / 'sos-sync.toml'}")
    out.print(
        f"  programme:     {ws / 'programme.toml'} (2024-25; see `sos-sync programme import`)"
    )
    if backend == "local":
        out.print(
            f"  put the forms' CSV exports in {ws / 'inbox'}, then run `sos-sync sync -w {folder}`"
        )
    else:
        out.print(
            "  fill in [google] in sos-sync.toml, then run `sos-sync doctor` and `sos-sync sync`"
        )


def _print_plan(result: Any) -> None:
    if result.quiet:
        out.print("Nothing to change: the tracker already matches the responses.")
        return
    for tp in result.tab_plans:
        new = [r for r in tp.rows if r.new]
        changed = [r for r in tp.rows if not r.new]
        out.print(f"[bold]{tp.tab}[/bold]: {len(new)} new row(s), {len(changed)} changed row(s)")
        for h in tp.add_headers:
            out.print(f"  + column {h}")
        for r in tp.rows:
            verb = "+ row" if r.new else "~ row"
            cells = ", ".join(f"{c.column}={c.value[:60]!r}" for c in r.cells)
            out.print(f"  {verb} {r.key}: {cells}", markup=False, highlight=False)


def _print_result(result: Any, workspace: Path | None = None) -> None:
    j = result.as_json()
    out.print(_steps_table(result.by_step))
    out.print(
        f"Responses: {j['responses']['new']} new, {j['responses']['updated']} updated. "
        f"Schools: {j['schools']['created']} new, {j['schools']['updated']} changed. "
        f"Writes: {j['writes']}."
    )
    if result.failed_forms:
        for kind, why in result.failed_forms.items():
            err.print(f"[red]Form {kind} failed closed:[/red] {why}")
    n_new, n_open = len(result.new_problems), len(result.problems)
    if n_open:
        out.print(
            f"[yellow]{n_open} problem(s) need a person[/yellow] ({n_new} new): see the `Needs review` tab."
        )
        for p in result.new_problems[:10]:
            who = f"{p.school} ({p.urn})" if p.urn else p.school or p.source_key
            out.print(f"  - {who}: {p.reason}", markup=False, highlight=False)
        if n_new > 10:
            out.print(f"  … and {n_new - 10} more")


@cli.command()
@WORKSPACE
@click.option("--dry-run", is_flag=True, help="Print the plan and write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object at the end.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How events are logged on stderr (json: one object per line, for machines).",
)
@TODAY
def sync(workspace: Path, dry_run: bool, as_json: bool, log_format: str, today: str | None) -> None:
    """Run one night: responses in, tracker, calendar and documents out."""
    from sos_sync.run.nightly import run_night

    spinner = sys.stderr.isatty() and not as_json and log_format == "text"
    with err.status("Syncing…", spinner="dots") if spinner else _null():
        result = run_night(workspace, _today(today), dry_run=dry_run, log_format=log_format)
    if as_json:
        click.echo(json.dumps(result.as_json(), sort_keys=True))
        return
    if dry_run:
        _print_plan(result)
        out.print("(dry run: nothing was written)")
        return
    _print_result(result, workspace)


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *a: object) -> None:
        return None


@cli.command()
@WORKSPACE
@click.option("--json", "as_json", is_flag=True)
@TODAY
def status(workspace: Path, as_json: bool, today: str | None) -> None:
    """Schools per step, stalled schools and open problems (reads only)."""
    from sos_sync.ops.status import workspace_status

    st = workspace_status(workspace, _today(today))
    if as_json:
        click.echo(json.dumps(st, sort_keys=True))
        return
    if st["attention"]:
        err.print(f"[bold red]{st['attention']}[/bold red]")
    out.print(_steps_table(st["by_step"]))
    out.print(f"Stalled schools: {len(st['stalled'])}")
    for s in st["stalled"][:20]:
        out.print(f"  - {s['school']} ({s['urn']}), last activity {s['last_activity']}")
    out.print(f"Open problems: {st['open_problems']} (see the `Needs review` tab)")
    if st["last_run"]:
        lr = st["last_run"]
        out.print(f"Last run: {lr.get('finished', '?')} ({'ok' if lr.get('ok') else 'FAILED'})")


@cli.group()
def programme() -> None:
    """The year's programme of events."""


@programme.command("list")
@WORKSPACE
@click.option("--json", "as_json", is_flag=True)
def programme_list(workspace: Path, as_json: bool) -> None:
    """Every event: key, title, start, end, where, mode and form label."""
    from sos_sync.config.load import load_config

    config = load_config(workspace)
    events = [e.model_dump() for e in config.programme.events]
    if as_json:
        click.echo(json.dumps(events, ensure_ascii=False))
        return
    t = Table(title=f"Programme {config.programme.academic_year}")
    for col in ("key", "title", "start", "end", "where", "mode", "form_label"):
        t.add_column(col)
    for e in events:
        t.add_row(
            *(
                str(e[c] or "")
                for c in ("key", "title", "start", "end", "where", "mode", "form_label")
            )
        )
    out.print(t)


@programme.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@WORKSPACE
def programme_import(file: Path, workspace: Path) -> None:
    """Turn an offer table (What / When / Where) into the workspace's programme."""
    from sos_sync.config.load import load_config
    from sos_sync.programme_import.offer import import_offer_file

    config = load_config(workspace, programme_optional=True)
    report = import_offer_file(file, config.path(config.raw.programme))
    for line in report.lines():
        out.print(line, markup=False, highlight=False)


@cli.command()
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
@click.option("--json", "as_json", is_flag=True)
@TODAY
def demo(backend: str, inbox: Path | None, out_dir: Path, as_json: bool, today: str | None) -> None:
    """Sync a fictional sample workspace and show where to look."""
    from sos_sync.ops.demo import run_demo
    from sos_sync.ops.sample import DEMO_TODAY

    day = _today(today) if today else DEMO_TODAY
    if backend == "emulator":
        from sos_sync.ops.demo_google import run_emulator_demo

        result = run_emulator_demo(out_dir, day, inbox)
    else:
        result = run_demo(out_dir, day, inbox)
    if as_json:
        click.echo(json.dumps(result.as_json(), sort_keys=True))
        return
    ws = out_dir  # as the user gave it, so the paths below can be pasted
    out.print(f"[bold]sos-sync demo[/bold] — a fictional workspace, synced as of {day:%d %B %Y}.")
    _print_result(result, ws)
    out.print("")
    out.print("Where to look:")
    if backend == "emulator":
        out.print(
            f"  emulator  {ws / 'emulator-state.json'}  (the rehearsal Google: sheet, calendar, docs)"
        )
    else:
        out.print(f"  tracker   {ws / 'tracker.xlsx'}  (open in Excel or LibreOffice)")
        out.print(f"  calendar  {ws / 'calendar.ics'}  (import into Google Calendar or Outlook)")
        out.print(f"  documents {ws / 'docs'}  (feedback and award letters, .docx)")
    out.print(f"  report    {ws / 'reports'}  (the morning report)")
    out.print(f"  inbox     {ws / 'inbox'}  (the forms' CSV exports)")
    out.print(f"  config    {ws / 'sos-sync.toml'}")
    out.print(f"Run it again: `sos-sync demo --out {out_dir}` is a second night (nothing changes).")


@cli.command()
@WORKSPACE
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export(workspace: Path, file: Path) -> None:
    """Save the tracker as it stands, every tab, to FILE.xlsx (a backup)."""
    from sos_sync.ops.export import export_tracker

    n = export_tracker(workspace, file)
    out.print(f"Saved {n} tab(s) to {file}.")


@cli.command("restore-check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@WORKSPACE
def restore_check_command(file: Path, workspace: Path) -> None:
    """Say how a tracker snapshot (backups/*.xlsx) differs from the live tracker."""
    from sos_sync.ops.backups import restore_check

    report = restore_check(workspace, file)
    for line in report.lines():
        out.print(line, markup=False, highlight=False)


@cli.command()
@click.option("--email", help="Erase this person's personal data.")
@click.option("--urn", help="Erase the personal data held about this school's staff.")
@WORKSPACE
@TODAY
def erase(email: str | None, urn: str | None, workspace: Path, today: str | None) -> None:
    """Remove a person's or school's personal data, and keep it from coming back."""
    from sos_sync.ops.erase import erase as do_erase

    report = do_erase(workspace, _today(today), email=email, urn=urn)
    for line in report.lines():
        out.print(line, markup=False, highlight=False)


@cli.command()
@WORKSPACE
def doctor(workspace: Path) -> None:
    """Check the config, the runs and access to every form, sheet, calendar and folder."""
    from sos_sync.ops.doctor import run_doctor

    marks = {"ok": "[green]ok[/green]", "warn": "[yellow]warn[/yellow]", "fail": "[red]FAIL[/red]"}
    checks = run_doctor(workspace)
    for c in checks:
        out.print(f"{marks[c.status]:>6} {c.name}: ", end="")
        out.print(c.detail, markup=False, highlight=False)
    failed = [c for c in checks if not c.ok]
    if failed:
        out.print(f"{len(failed)} check(s) failed: fix them, then run `sos-sync doctor` again.")
        raise SystemExit(1)
    out.print("All checks passed.")


@cli.group()
def schedule() -> None:
    """Recipes to run the job every night (cron, systemd, a CI workflow)."""


@schedule.command("show")
@click.option(
    "--kind", type=click.Choice(["cron", "systemd", "ci"]), default="cron", show_default=True
)
@click.option("--time", "at", default="02:30", show_default=True, help="UK time, HH:MM.")
@WORKSPACE
def schedule_show(kind: str, at: str, workspace: Path) -> None:
    """Print the recipe filled in for this workspace."""
    import shutil

    from sos_sync.ops.schedule import recipe

    exe = shutil.which("sos-sync") or str(Path(sys.argv[0]).resolve())
    files = recipe(kind, workspace.resolve(), str(Path(exe).resolve()), time=at)  # type: ignore[arg-type]
    for name, text in files.items():
        if len(files) > 1 or kind != "cron":
            click.echo(f"# ---- {name}")
        click.echo(text)  # never wrapped: it is pasted into a crontab or a unit file


def _attach_optional() -> None:
    try:
        from sos_sync.emulator.cli import emulator

        cli.add_command(emulator)
    except ImportError:  # pragma: no cover - the emulator ships with the package
        pass
    try:
        from sos_sync.cli.google import auth

        cli.add_command(auth)
    except ImportError:  # pragma: no cover
        pass


_attach_optional()


def main() -> None:
    """Entry point: run the CLI and map errors to exit codes."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err.print("Aborted.")
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except ConfigError as exc:
        err.print("[bold red]Configuration problem[/bold red] (nothing was written):")
        for p in exc.problems:
            err.print(f"  - {p}", markup=False, highlight=False)
        sys.exit(exc.exit_code)
    except SosSyncError as exc:
        err.print(str(exc), markup=False, highlight=False)
        sys.exit(exc.exit_code)
    except Exception as exc:  # a fault nobody foresaw: one plain line, the trace in the run's log
        err.print(
            f"sos-sync stopped on an unexpected error: {type(exc).__name__}: {exc}. "
            "Nothing after this point was written; rerunning is safe. The full trace is in "
            "the workspace's logs/ folder.",
            markup=False,
            highlight=False,
        )
        sys.exit(1)
