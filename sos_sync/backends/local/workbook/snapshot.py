"""A snapshot of `tracker.xlsx`: a byte copy of the file the night wrote, when it changed.

A copy takes milliseconds whatever the workbook's size (an export re-reads and rewrites
every cell); it keeps the source's modification time, so the next night can tell an
unchanged tracker from the newest snapshot without reading either.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from pathlib import Path


def same_file(a: Path, b: Path) -> bool:
    """Whether two files hold the same bytes (same size and time, or compared)."""
    sa, sb = a.stat(), b.stat()
    if sa.st_size != sb.st_size:
        return False
    return sa.st_mtime_ns == sb.st_mtime_ns or filecmp.cmp(a, b, shallow=False)


def copy_file(source: Path, target: Path) -> None:
    """A byte copy (with the source's modification time), moved into place atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        shutil.copy2(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
