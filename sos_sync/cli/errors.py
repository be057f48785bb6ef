"""Exceptions become exit codes and messages here, and only here (SPEC §10).

0 completed (problems routed to `Needs review` still count), 1 failed or partly applied,
2 usage or configuration error, 75 another run holds the workspace lock, 130 interrupted.
Each failure is said once, in plain words, on stderr; under `--json` stdout also gets
`{"ok": false, "error": …, "exit_code": …}` so a script always has one object to read.
"""

from __future__ import annotations

import errno
import traceback

import click

from sos_sync.cli.output import SETTINGS, emit_json, error
from sos_sync.errors import ConfigError, SosSyncError

_OS_HINTS = {
    getattr(errno, name, -1): hint
    for name, hint in (
        ("ENOSPC", "the disk is full: free some space, then run again (rerunning is safe)"),
        ("EDQUOT", "the disk quota is used up: free some space, then run again"),
        ("EFBIG", "the file is larger than this account may write: free space or raise the limit"),
        ("EROFS", "the folder is on a read-only disk: use a writable workspace"),
        ("EACCES", "permission denied: let the account that runs sos-sync write there"),
        ("EPERM", "permission denied: let the account that runs sos-sync write there"),
    )
}


def os_message(exc: OSError) -> str:
    """`Could not write /path: the disk is full: …` – one line naming the path."""
    path = exc.filename or getattr(exc, "sos_path", None)
    hint = _OS_HINTS.get(exc.errno or 0, exc.strerror or str(exc))
    where = f" {path}" if path else ""
    return f"sos-sync could not use{where}: {hint}."


def describe(exc: BaseException) -> tuple[int, list[str]]:
    """The exit code and the lines to print for a failure."""
    if isinstance(exc, click.exceptions.Abort):
        return 1, ["Aborted: nothing was changed."]
    if isinstance(exc, KeyboardInterrupt):
        return 130, ["Interrupted. Rerunning is safe."]
    if isinstance(exc, click.ClickException):
        return exc.exit_code, [exc.format_message()]
    if isinstance(exc, ConfigError):
        return exc.exit_code, [
            "Configuration problem (nothing was written):",
            *(f"  - {p}" for p in exc.problems),
        ]
    if isinstance(exc, SosSyncError):
        return exc.exit_code, [str(exc)]
    if isinstance(exc, OSError):
        return 1, [os_message(exc)]
    log = getattr(exc, "sos_log_file", None)
    where = (
        f"The full trace is in {log}."
        if log
        else "Run it again with `sos-sync --verbose …` to see the full trace."
    )
    return 1, [
        f"sos-sync stopped on an unexpected error: {type(exc).__name__}: {exc}. "
        f"Nothing after this point was written; rerunning is safe. {where}"
    ]


def report(exc: BaseException, ctx: click.Context | None = None) -> int:
    """Say what failed (stderr, and JSON on stdout under --json); return the exit code."""
    code, lines = describe(exc)
    if isinstance(exc, click.UsageError) and not SETTINGS.json:
        exc.show()  # click's own "Usage: … Try '… -h' for help." with the message
    else:
        for line in lines:
            error(line)
    if SETTINGS.verbose and not isinstance(exc, click.ClickException | SosSyncError):
        error("".join(traceback.format_exception(exc)))
    if SETTINGS.json:
        emit_json({"ok": False, "error": "\n".join(lines), "exit_code": code})
    return code
