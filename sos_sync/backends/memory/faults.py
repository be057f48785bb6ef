"""Failure settings for the in-memory backend, after dlt's dummy destination (`fail_prob`).

Every write the backend receives (one calendar apply, one document, one tracker apply,
one response-cache commit) is numbered from 1. A write can fail *before* it lands (the
night sees an error and nothing changed), or land and then have the process die before
the sync hears back (`crash_after`: the write is there, the run never recorded it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


class WriteFailed(Exception):
    """A write that did not land (a refused request, a dropped connection before sending)."""


class Killed(BaseException):
    """The process died: raised after a write landed, like a kill between write and record.

    A BaseException, so no `except Exception` in the sync can swallow it, as no handler
    survives a real kill.
    """


@dataclass
class Faults:
    fail_prob: float = 0.0  # each write fails before landing with this probability
    seed: int = 0
    fail_before: int | None = None  # the Nth write fails before it lands
    crash_after: int | None = None  # the Nth write lands, then the run dies
    writes: list[str] = field(default_factory=list)  # the writes seen so far, by name
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self._rng.seed(self.seed)

    def before(self, name: str) -> None:
        """Called before a write lands; may refuse it."""
        self.writes.append(name)
        n = len(self.writes)
        if self.fail_before == n:
            raise WriteFailed(f"write {n} ({name}) failed (fail_before)")
        if self.fail_prob and self._rng.random() < self.fail_prob:
            raise WriteFailed(f"write {n} ({name}) failed (fail_prob {self.fail_prob})")

    def after(self) -> None:
        """Called once a write has landed; may kill the run."""
        if self.crash_after == len(self.writes):
            raise Killed(f"killed after write {len(self.writes)} ({self.writes[-1]}) landed")
