"""The workspace lock: two runs never overlap on one workspace (SPEC §11).

A lock on `.sos-sync.lock` through `filelock`, which picks the operating system's own
lock: `flock` on Linux and macOS, `msvcrt.locking` on Windows. Both are released by the
operating system when the process ends, even on `kill -9` or a closed laptop lid, so a
crashed run never leaves a stale lock. Where neither exists, a lock file that is
created exclusively and removed on release (`SoftFileLock`) stands in.

A command that runs a whole night inside its own work (`erase`) takes the lock first
with `nested=True`: the night it starts inside it passes through instead of meeting
its own lock.
"""

from __future__ import annotations

import contextvars
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sos_sync.errors import LockHeld

with warnings.catch_warnings():  # "only soft file lock is available": handled below
    warnings.simplefilter("ignore")
    import filelock

LOCK_NAME = ".sos-sync.lock"
HOLDER_NAME = ".sos-sync.lock.pid"

_HELD: contextvars.ContextVar[frozenset[Path]] = contextvars.ContextVar(
    "sos_sync_workspace_locks", default=frozenset()
)


def lock_class() -> type[filelock.BaseFileLock]:
    """The lock this platform offers: the kernel's where there is one."""
    if sys.platform == "win32":
        return filelock.WindowsFileLock
    try:
        import fcntl  # noqa: F401 - only asking whether the kernel lock exists here
    except ImportError:
        return filelock.SoftFileLock
    return filelock.UnixFileLock


@contextmanager
def workspace_lock(workspace: Path, *, nested: bool = False) -> Iterator[None]:
    """Hold the workspace's lock for the `with` block; raise LockHeld if another run has it.

    Args:
        workspace: the workspace folder.
        nested: let `workspace_lock` calls inside this block (in the same thread of
            work) pass through: they are part of this command.
    """
    path = (workspace / LOCK_NAME).resolve()
    if path in _HELD.get():
        yield
        return
    lock = lock_class()(str(path), timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        holder = ""
        with suppress(OSError):
            holder = (workspace / HOLDER_NAME).read_text().strip()
        raise LockHeld(
            f"Another sos-sync run holds the workspace {workspace}"
            + (f" (process {holder})" if holder else "")
            + "; this run wrote nothing. Try again when it has finished."
        ) from None
    token = _HELD.set(_HELD.get() | {path}) if nested else None
    try:
        with suppress(OSError):
            (workspace / HOLDER_NAME).write_text(str(os.getpid()))
        yield
    finally:
        if token is not None:
            _HELD.reset(token)
        lock.release()
