"""A response's identity from what it means, so a re-saved export is the same responses.

Re-saving a Google Forms CSV in Excel rewrites every timestamp
(`2025/06/20 10:00:37 AM GMT+1` becomes `20/06/2025 10:00`: London wall time, seconds
dropped) and changes the encoding. The id therefore hashes the submitted time as London
wall-clock minutes, the e-mail casefolded, the school and URN with spacing and case
folded, and the row's position among the different rows identical in all of these (two
sign-ups in one minute for one school with no e-mail are two responses; a row repeated
cell for cell is one response given twice, so it shares the id of its first copy).

Rows read before ids came from meaning were keyed by `csv_response_id` over the raw
text; that id rides along as an alias, so a tracker synced by an older version keeps
its rows instead of gaining a copy of each.

Microsoft Forms numbers its responses: the id is that `ID`, with the start time so a
form rebuilt from scratch (numbering again from 1) cannot overwrite an older response.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from sos_sync.domain.responses import LONDON, csv_response_id, parse_timestamp


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


@functools.lru_cache(maxsize=65536)
def wall_minute(text: str) -> str:
    """The submitted time as London wall-clock minutes (`2025-06-20 10:00`), or the text."""
    instant = parse_timestamp(text)
    if instant is None:
        return " ".join(text.split())
    return instant.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")


@functools.lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _meaning(timestamp: str, email: str, school: str, urn: str) -> tuple[str, str, str, str]:
    return (wall_minute(timestamp), email.strip().casefold(), _fold(school), _fold(urn))


def csv_row_id(
    kind: str, timestamp: str, email: str, school: str, urn: str, position: int = 0
) -> str:
    """The id of a Google-style export row from what it means (see the module's docstring)."""
    return "csv-" + _digest(kind, *_meaning(timestamp, email, school, urn), str(position))


@dataclass(frozen=True)
class RowIdentity:
    response_id: str
    aliases: tuple[str, ...]


class CsvIdentities:
    """Ids for the rows of one Google-style export, in file order."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._seen: dict[tuple[str, ...], dict[tuple[str, ...], int]] = {}

    def next(
        self, timestamp: str, email: str, school: str, urn: str, answers: tuple[str, ...] = ()
    ) -> RowIdentity:
        """The id of the next row; `answers` (the row's cells) tells copies from neighbours."""
        meaning = _meaning(timestamp, email, school, urn)
        rows = self._seen.setdefault(meaning, {})
        position = rows.setdefault(answers, len(rows))
        rid = "csv-" + _digest(self.kind, *meaning, str(position))
        legacy = csv_response_id(self.kind, timestamp, email, school, urn)
        return RowIdentity(rid, (legacy,) if position == 0 else ())


def microsoft_id(kind: str, number: str, started: str) -> str:
    """A Microsoft Forms response's id: its `ID` and start time."""
    n = number.strip()
    return f"ms-{n}-" + _digest(kind, n, wall_minute(started))[:8]
