"""The night around the sync: logging, the morning report, e-mail and backups (SPEC §1, §11).

`run_sync` does the work; this module makes it a night a technician can schedule and
the leads can trust: every run ends with a short summary where leads look (the
`Run log` and `Dashboard` tabs, written by the plan; `reports/YYYY-MM-DD.md`, then
`YYYY-MM-DD-2.md`, … for more runs the same day, so a rerun never replaces the night's
informative report; an optional e-mail), a failed run says so in plain words, and each
night with changes keeps an `.xlsx` snapshot of the tracker. A failure that stops the
record itself being written (a full disk) never hides the failure it was recording.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path

from sos_sync.backends.base import Backend
from sos_sync.config.load import Config, load_config
from sos_sync.domain.report import RunReport, failed_report
from sos_sync.errors import SosSyncError
from sos_sync.files import atomic_write_text
from sos_sync.ops.forms_night import signup_form_night
from sos_sync.run.logs import current_log_file, setup_logging, shutdown_logging
from sos_sync.run.mail import ReportNotSent, send_report
from sos_sync.run.morning_report import render_markdown
from sos_sync.run.state import append_run
from sos_sync.run.sync import new_run_id, run_sync

log = logging.getLogger("sos_sync.nightly")


def run_night(
    workspace: Path,
    today: dt.date,
    *,
    dry_run: bool = False,
    log_format: str = "text",
    echo_events: bool = False,
    backend: Backend | None = None,
) -> RunReport:
    """One scheduled night: sync, bring the sign-up form in step with the programme, then
    report, e-mail and back up. Re-raises a failure of the sync after recording it (so the
    exit code says so), unless it is a configuration error (nothing ran, nothing to record
    beyond the message); a failure of the sign-up form step is only reported.

    `backend`: the one to use, for the sync and the sign-up form (tests pass one with
    fast retries); by default the configuration's."""
    config = load_config(workspace)
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    run_id = new_run_id(today)
    logger = setup_logging(
        config.workspace,
        "json" if log_format == "json" else "text",
        run_id,
        keep=config.raw.logs.keep,
    )
    if log_format != "json" and not echo_events:
        _quiet_console(logger)
    log.info("run started", extra={"backend": config.backend, "today": today.isoformat()})
    try:
        result = run_sync(config.workspace, today, dry_run=dry_run, backend=backend, config=config)
    except SosSyncError as exc:
        if exc.exit_code == 75:
            log.warning("%s", exc)
            shutdown_logging()
            raise
        _record_failure(config, today, started, str(exc))
        shutdown_logging()
        raise
    except Exception as exc:  # a bug or a fault we did not foresee: still tell the leads
        log.exception("unexpected error")
        if isinstance(exc, OSError) and exc.filename is None:  # e.g. a full disk mid-write
            exc.filename = str(config.workspace)
        path = current_log_file()
        if path is not None and path.exists() and not isinstance(exc, OSError):
            exc.sos_log_file = str(path)  # type: ignore[attr-defined]  # for the CLI's message
        _record_failure(config, today, started, f"{type(exc).__name__}: {exc}")
        shutdown_logging()
        raise
    if not dry_run:
        news = signup_form_night(config, today, backend)
        result = dataclasses.replace(result, signup_form=news)
        _after(config, result, today, started)
    j = result.as_json()
    log.info(
        "run finished",
        extra={
            "writes": j["writes"],
            "new_responses": j["responses"]["new"],
            "problems_open": j["problems_open"],
            "by_step": j["schools"]["by_step"],
        },
    )
    shutdown_logging()
    return result


def _quiet_console(logger: logging.Logger) -> None:
    """People read the command's output; the night's events go to logs/ only."""
    for h in list(logger.handlers):
        if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler):
            logger.removeHandler(h)


def _after(config: Config, result: RunReport, today: dt.date, started: str) -> None:
    summary = dataclasses.replace(result, started=started)
    path = write_night_report(config.workspace, summary)
    log.info("morning report written", extra={"path": str(path)})
    _mail(config, summary)
    if config.raw.backups.keep and (result.writes or not _snapshot_exists(config, today)):
        try:
            from sos_sync.ops.backups import take_snapshot

            snap = take_snapshot(config.workspace, today, config.raw.backups.keep)
            if snap:
                log.info("tracker snapshot kept", extra={"path": str(snap)})
        except Exception as exc:  # a backup must never fail the night
            log.warning("the tracker snapshot could not be written: %s", exc)


def _snapshot_exists(config: Config, today: dt.date) -> bool:
    return (config.workspace / "backups" / f"tracker-{today.isoformat()}.xlsx").exists()


def _mail(config: Config, summary: RunReport) -> None:
    mail = config.raw.report.mail
    if mail is None or not mail.enabled:
        return
    try:
        send_report(mail, summary)
        log.info("morning report e-mailed", extra={"recipients": len(mail.recipients)})
    except (ReportNotSent, SosSyncError) as exc:
        log.warning("the morning report was not e-mailed: %s", exc)


def report_path(workspace: Path, day: dt.date) -> Path:
    """`reports/YYYY-MM-DD.md`, or `-2`, `-3`, … when the day has a report already."""
    folder = workspace / "reports"
    path, n = folder / f"{day.isoformat()}.md", 1
    while path.exists():
        n += 1
        path = folder / f"{day.isoformat()}-{n}.md"
    return path


def write_night_report(workspace: Path, summary: RunReport) -> Path:
    """Write the night's report to a new file (readable by the job's user only)."""
    path = report_path(workspace, summary.day)
    atomic_write_text(path, render_markdown(summary), mode=0o600)
    return path


def _record_failure(config: Config, today: dt.date, started: str, error: str) -> None:
    """Record a failed run where people look; never raises (the failure itself matters)."""
    log.error("run failed: %s", error)
    summary = failed_report(today, started, config.backend, error)
    try:
        append_run(
            config.workspace,
            {
                "run_id": new_run_id(today),
                "today": today.isoformat(),
                "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "ok": False,
                "error": error,
            },
        )
        write_night_report(config.workspace, summary)
    except OSError as exc:
        log.error("the failure could not be recorded in the workspace: %s", exc)
    _mail(config, summary)
