"""Logging for machines: JSON lines on stderr and one log file per run, e-mails redacted.

`setup_logging` configures the `sos_sync` logger once per run: human text or JSON objects
on stderr (`--log-format`), and always, when there is a workspace, a JSON-lines file
`<workspace>/logs/sync-YYYYMMDD-HHMMSS-<run_id>.log` (UTC time, so names sort in run
order across the clock changes), keeping the newest `keep` files. Every handler redacts
e-mail addresses: logs carry URNs, never contacts' names or addresses (SPEC §11).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
from pathlib import Path
from typing import Any, Literal

from sos_sync.domain.privacy import redact_emails

LOGGER_NAME = "sos_sync"
DEFAULT_KEEP = 30
_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact_emails(value)
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


class RedactEmails(logging.Filter):
    """Removes e-mail addresses from a record's message, arguments and extra fields.

    Attached to handlers, not the logger, so records from child loggers
    (`sos_sync.google`, ...) are redacted too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_emails(record.getMessage())
        record.args = None
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD:
                setattr(record, key, _scrub(value))
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact_emails(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD and k != "run_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per event: time, level, event, run_id, then the extra fields."""

    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id

    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created, dt.UTC)
        entry: dict[str, Any] = {
            "time": when.isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
            "run_id": self.run_id,
        }
        for key, value in _extras(record).items():
            entry.setdefault(key, value)
        if record.exc_text:
            entry["traceback"] = record.exc_text
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """`02:30:01 info  event key=value ...` for a person at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        fields = " ".join(f"{k}={v}" for k, v in _extras(record).items())
        line = f"{when} {record.levelname.lower():<7} {record.getMessage()}"
        line = f"{line} {fields}" if fields else line
        return f"{line}\n{record.exc_text}" if record.exc_text else line


def log_file_name(started: dt.datetime, run_id: str) -> str:
    """`sync-YYYYMMDD-HHMMSS-<run_id>.log` for a run started at `started` (UTC)."""
    utc = started.astimezone(dt.UTC) if started.tzinfo else started
    return f"sync-{utc:%Y%m%d-%H%M%S}-{run_id}.log"


def rotate_logs(folder: Path, keep: int = DEFAULT_KEEP) -> list[Path]:
    """Delete all but the newest `keep` run logs in `folder`; return the deleted paths.

    Only `sync-*.log` files are touched (never `cron.log`); their names sort by time.
    """
    if keep < 1:
        raise ValueError(f"keep {keep}: keep at least one run log.")
    runs = sorted(folder.glob("sync-*.log"), key=lambda p: p.name)
    doomed = runs[:-keep]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


class RunLogHandler(logging.FileHandler):
    """The run's log file. A write that fails (a full disk) is dropped without a word:
    the run's own error says what went wrong, never a logging traceback on stderr."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        return None


def _run_log_handler(folder: Path, name: str, keep: int) -> RunLogHandler | None:
    """The handler for `folder/name`, or None when the folder cannot be written (read-only
    or full): the run goes on, and its errors are said on stderr instead."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        rotate_logs(folder, keep)
        return RunLogHandler(path, encoding="utf-8")
    except OSError:
        return None


def shutdown_logging(logger: logging.Logger | None = None) -> None:
    """Undo `setup_logging`: close its handlers (flushing the run's file) and let records
    propagate to the root logger again."""
    logger = logger or logging.getLogger(LOGGER_NAME)
    ours = [h for h in logger.handlers if getattr(h, "_sos_sync", False)]
    for handler in ours:
        logger.removeHandler(handler)
        handler.close()
    if ours:
        logger.propagate = True
        logger.setLevel(logging.NOTSET)


def setup_logging(
    workspace: Path | None,
    fmt: Literal["text", "json"],
    run_id: str,
    *,
    keep: int = DEFAULT_KEEP,
    level: int = logging.INFO,
    now: dt.datetime | None = None,
) -> logging.Logger:
    """Configure the `sos_sync` logger for one run and return it.

    Args:
        workspace: the workspace; when given, the run also logs JSON lines to
            `<workspace>/logs/sync-YYYYMMDD-HHMMSS-<run_id>.log` (created 0600) and only
            the newest `keep` run logs are kept.
        fmt: "json" for one JSON object per event on stderr, "text" for people.
        run_id: letters, digits, `-` and `_`; goes in every event and the file name.
        keep: how many run log files to keep (the setting; default 30).
        level: the lowest level written.
        now: the run's start (defaults to the clock); names the file.

    Calling it again replaces the handlers of the previous call.
    """
    if not _RUN_ID.match(run_id):
        raise ValueError(f"run_id {run_id!r}: use 1-64 letters, digits, '-' or '_'.")
    if fmt not in ("text", "json"):
        raise ValueError(f"log format {fmt!r} is not one of text, json.")
    logger = logging.getLogger(LOGGER_NAME)
    shutdown_logging(logger)
    logger.setLevel(level)
    logger.propagate = False

    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(JsonFormatter(run_id) if fmt == "json" else TextFormatter())
    handlers: list[logging.Handler] = [stderr]
    if workspace is not None:
        file = _run_log_handler(
            workspace / "logs", log_file_name(now or dt.datetime.now(dt.UTC), run_id), keep
        )
        if file is not None:
            file.setFormatter(JsonFormatter(run_id))
            handlers.append(file)
    for handler in handlers:
        handler.addFilter(RedactEmails())
        handler.setLevel(level)
        handler._sos_sync = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    return logger


def current_log_file(logger: logging.Logger | None = None) -> Path | None:
    """The run log file the logger writes to, if any (for the report and `status`)."""
    logger = logger or logging.getLogger(LOGGER_NAME)
    for handler in logger.handlers:
        if isinstance(handler, logging.FileHandler) and getattr(handler, "_sos_sync", False):
            return Path(handler.baseFilename)
    return None
