"""The small interfaces a backend implements, shaped by what the core needs (SPEC §9).

- `ResponseSource.read_responses()`: the raw responses of every form, and the forms
  that failed closed (a mapped question is missing) with a plain-words reason.
- `TrackerStore.read_tabs()` / `apply()`: every tab in one read; the writes of a plan.
- Calendar and documents sinks are optional (`None` when the backend has none yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .forms import FormKind
from .responses import RawResponse
from .tracker import TabData, TabPlan, TabSpec


@dataclass
class ResponsesRead:
    responses: dict[FormKind, list[RawResponse]] = field(default_factory=dict)
    failed: dict[FormKind, str] = field(default_factory=dict)  # form -> why it failed closed
    requests: int = 0


class ResponseSource(Protocol):
    def read_responses(self) -> ResponsesRead: ...


class TrackerStore(Protocol):
    def read_tabs(self, tabs: Sequence[TabSpec]) -> dict[str, TabData | None]: ...

    def apply(self, tabs: Sequence[TabSpec], plans: Sequence[TabPlan]) -> int:
        """Write the plans; return how many write operations were sent."""
        ...


class Backend(Protocol):
    name: str
    source: ResponseSource
    tracker: TrackerStore

    def requests(self) -> dict[str, int]:
        """HTTP requests sent, by API (empty for the local backend)."""
        ...
