"""The outbox journal: every send is written down before and after it happens (SPEC §8).

A small SQLite table in `state/outbox.sqlite`, one row per document key:

- ``sending``: written (and committed) just before the message goes to the mail server;
- ``sent``: written just after the server accepted it, with the day and the address;
- ``refused``: the server refused the address (the lead fixes it and marks Send again);
- ``unknown``: a row found still ``sending`` at the start of a night: the run stopped
  between the send and its journal entry, so whether the school got it is not known. It is
  never sent again automatically; the lead checks and decides (`Send` = ``again``).

So a document is sent at most once, whatever stops the run and wherever.
"""

from __future__ import annotations

import datetime as dt
import errno
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sos_sync.run.state import STATE_DIR

OUTBOX_NAME = "outbox.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'refused', 'unknown')),
    recipient TEXT NOT NULL,
    day TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 1
)
"""


@dataclass(frozen=True)
class Entry:
    """One document's line in the outbox."""

    key: str
    status: str
    recipient: str
    day: str
    detail: str = ""


def outbox_path(workspace: Path) -> Path:
    return workspace / STATE_DIR / OUTBOX_NAME


class Outbox:
    """The journal of one workspace (opened per night; every change committed at once)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with closing(sqlite3.connect(self.path, isolation_level=None)) as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.execute(_SCHEMA)
                yield db
        except sqlite3.OperationalError as exc:  # a full disk, a read-only folder: an OSError
            raise OSError(errno.EIO, f"the outbox journal: {exc}", str(self.path)) from exc

    def entries(self) -> dict[str, Entry]:
        with self._db() as db:
            rows = db.execute("SELECT key, status, recipient, day, detail FROM outbox").fetchall()
        return {r[0]: Entry(*r) for r in rows}

    def settle_interrupted(self) -> list[Entry]:
        """Sends a stopped run left at ``sending`` become ``unknown`` (never resent)."""
        with self._db() as db:
            rows = db.execute(
                "UPDATE outbox SET status = 'unknown', detail = 'the run stopped during the send' "
                "WHERE status = 'sending' RETURNING key, status, recipient, day, detail"
            ).fetchall()
        return [Entry(*r) for r in rows]

    def begin(self, key: str, recipient: str, day: dt.date) -> None:
        """Write ``sending`` before the message leaves (a retry after refusal counts up)."""
        with self._db() as db:
            db.execute(
                "INSERT INTO outbox (key, status, recipient, day) VALUES (?, 'sending', ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET status = 'sending', recipient = excluded.recipient,"
                " day = excluded.day, detail = '', attempts = attempts + 1",
                (key, recipient, day.isoformat()),
            )

    def finish(self, key: str, status: str, detail: str = "") -> None:
        """Write the outcome (``sent`` or ``refused``) once the mail server has answered."""
        with self._db() as db:
            db.execute(
                "UPDATE outbox SET status = ?, detail = ? WHERE key = ?", (status, detail, key)
            )

    def cancel(self, key: str, previous: Entry | None) -> None:
        """Nothing was sent (the server was never reached): put back what was there."""
        with self._db() as db:
            if previous is None:
                db.execute("DELETE FROM outbox WHERE key = ?", (key,))
            else:
                db.execute(
                    "UPDATE outbox SET status = ?, recipient = ?, day = ?, detail = ? "
                    "WHERE key = ?",
                    (previous.status, previous.recipient, previous.day, previous.detail, key),
                )
