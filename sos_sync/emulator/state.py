"""The emulated Google: every spreadsheet, form, calendar, Drive file and document, as plain JSON.

State is one JSON-ready dict guarded by one lock. When a state file is given it is loaded at start
and rewritten atomically (temporary file, fsync, rename) after every write request, so two
processes run one after the other see the same Google.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_COLLECTIONS = ("spreadsheets", "forms", "calendars", "files", "drives", "documents")


def empty_state() -> dict[str, Any]:
    """A Google with nothing in it."""
    data: dict[str, Any] = {name: {} for name in _COLLECTIONS}
    data["seq"] = 0
    data["settings"] = {"serviceAccount": False, "quotas": {}, "quotaWindowSeconds": 60}
    return data


def now_rfc3339() -> str:
    """The current UTC time as Google writes it (milliseconds, `Z`)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class State:
    """The emulated world plus its persistence."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else None
        self.lock = threading.RLock()
        self.data = empty_state()
        if self.path and self.path.exists() and self.path.stat().st_size > 0:
            loaded = json.loads(self.path.read_text("utf-8"))
            self.data.update(loaded)

    # collections -------------------------------------------------------------------------
    @property
    def spreadsheets(self) -> dict[str, Any]:
        """Spreadsheets by id."""
        return self.data["spreadsheets"]  # type: ignore[no-any-return]

    @property
    def forms(self) -> dict[str, Any]:
        """Forms by id (with their responses)."""
        return self.data["forms"]  # type: ignore[no-any-return]

    @property
    def calendars(self) -> dict[str, Any]:
        """Calendars by id (with their events)."""
        return self.data["calendars"]  # type: ignore[no-any-return]

    @property
    def files(self) -> dict[str, Any]:
        """Drive files (incl. folders, spreadsheets, docs) by id."""
        return self.data["files"]  # type: ignore[no-any-return]

    @property
    def drives(self) -> dict[str, Any]:
        """Shared drives by id."""
        return self.data["drives"]  # type: ignore[no-any-return]

    @property
    def documents(self) -> dict[str, Any]:
        """Docs documents by id."""
        return self.data["documents"]  # type: ignore[no-any-return]

    @property
    def settings(self) -> dict[str, Any]:
        """Behaviour switches (e.g. `serviceAccount`)."""
        return self.data["settings"]  # type: ignore[no-any-return]

    def next_number(self) -> int:
        """A counter that never repeats in this world (ids, revisions, etags)."""
        self.data["seq"] += 1
        return int(self.data["seq"])

    def new_id(self, prefix: str = "", length: int = 28) -> str:
        """A fresh id shaped like Google's (letters, digits, `_`, `-`)."""
        import secrets

        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return prefix + "".join(secrets.choice(alphabet) for _ in range(length - len(prefix)))

    # persistence -------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything (and persist the empty world)."""
        with self.lock:
            self.data = empty_state()
            self.save()

    def save(self) -> None:
        """Write the state file atomically; a reader never sees half a file."""
        if self.path is None:
            return
        with self.lock:
            payload = json.dumps(self.data, separators=(",", ":"), ensure_ascii=False)
            directory = self.path.parent
            directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(payload)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            try:
                dir_fd = os.open(directory, os.O_RDONLY)
            except OSError:
                return
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
