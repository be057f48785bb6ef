"""What an export's header says: which service made it, and which form it belongs to.

Google Forms: `Timestamp`, optionally `Email Address`, then one column per question.
Microsoft Forms: `ID`, `Start time`, `Completion time`, `Email`, `Name` (newer exports
add `Last modified time`), then one column per question. Question columns are matched
to a form's fields by title, forgiving case, spacing and dash style (one folding for
every reader, the linked response tabs of the Google backend included).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sos_sync.domain.forms import FormKind, FormSpec

_DASHES = str.maketrans({"–": "-", "—": "-", "’": "'", "‘": "'"})
_MS_COLUMNS = ("id", "start time", "completion time", "email", "name")
SERVICE_COLUMNS = frozenset(("timestamp", "email address", *_MS_COLUMNS, "last modified time"))

Service = Literal["google", "microsoft"]


def fold_title(title: str) -> str:
    return re.sub(r"\s+", " ", title.translate(_DASHES)).strip().casefold()


@dataclass(frozen=True)
class Layout:
    """Where the service's own columns are in a header."""

    service: Service
    submitted: int | None  # Timestamp / Completion time
    email: int | None
    response_id: int | None = None  # Microsoft Forms' ID
    started: int | None = None  # Microsoft Forms' Start time


def folded_header(header: Sequence[str]) -> dict[str, int]:
    """Folded title -> first column holding it."""
    return {fold_title(h): i for i, h in reversed(list(enumerate(header)))}


def detect_layout(header: Sequence[str]) -> Layout:
    folded = folded_header(header)
    if "timestamp" not in folded and all(c in folded for c in ("id", "completion time")):
        return Layout(
            "microsoft",
            folded["completion time"],
            folded.get("email"),
            folded["id"],
            folded.get("start time"),
        )
    return Layout("google", folded.get("timestamp"), folded.get("email address"))


def question_columns(header: Sequence[str], spec: FormSpec) -> tuple[dict[str, int], list[str]]:
    """Field name -> column for the form's questions, and the titles not found."""
    folded = folded_header(header)
    columns: dict[str, int] = {}
    missing: list[str] = []
    for f in spec.fields:
        i = folded.get(fold_title(f.title))
        if i is None:
            missing.append(f.title)
        else:
            columns[f.name] = i
    return columns, missing


@dataclass(frozen=True)
class FormMatch:
    """How well a header fits one form."""

    kind: FormKind
    found: int
    total: int

    @property
    def complete(self) -> bool:
        return self.found == self.total


def rank_forms(header: Sequence[str], forms: Mapping[FormKind, FormSpec]) -> list[FormMatch]:
    """Every form, the best fit first: complete before partial, then the most questions found."""
    matches = []
    for kind, spec in forms.items():
        columns, missing = question_columns(header, spec)
        matches.append(FormMatch(kind, len(columns), len(columns) + len(missing)))
    return sorted(matches, key=lambda m: (not m.complete, -m.found))


def form_by_header(
    header: Sequence[str], forms: Mapping[FormKind, FormSpec]
) -> tuple[FormKind | None, FormKind | None]:
    """(the form whose every question is in the header, the form it most resembles).

    The first is None unless exactly one form fits best; the second is a form more than
    half of whose questions are in the header and that no other form matches as well,
    for a header that lost a question (its form then fails closed, naming it).
    """
    ranked = rank_forms(header, forms)
    complete = [m for m in ranked if m.complete]
    if complete and (len(complete) == 1 or complete[0].found > complete[1].found):
        return complete[0].kind, complete[0].kind
    if complete:
        return None, None
    best = ranked[0] if ranked else None
    if (
        best is not None
        and best.found * 2 > best.total
        and (len(ranked) == 1 or ranked[1].found < best.found)
    ):
        return None, best.kind
    return None, None


def known_titles(forms: Mapping[FormKind, FormSpec]) -> frozenset[str]:
    """Every folded title an export of these forms may have, for telling delimiters apart."""
    return SERVICE_COLUMNS | {fold_title(f.title) for s in forms.values() for f in s.fields}
