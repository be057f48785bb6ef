"""The workspace lock: two runs never overlap on one workspace (SPEC §11).

An advisory `flock` on `.sos-sync.lock`; the kernel releases it when the process
ends, even on `kill -9`, so a crashed run never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sos_sync.errors import LockHeld

LOCK_NAME = ".sos-sync.lock"


@contextmanager
def workspace_lock(workspace: Path) -> Iterator[None]:
    path = workspace / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = ""
            with suppress(OSError):
                holder = path.read_text().strip()
            raise LockHeld(
                f"Another sos-sync run holds the workspace {workspace}"
                + (f" (process {holder})" if holder else "")
                + "; this run wrote nothing. Try again when it has finished."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)
