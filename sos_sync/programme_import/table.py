"""The offer document's table: finding its What / When / Where rows in pasted text."""

from __future__ import annotations

import re
from dataclasses import dataclass

_YEAR_IN_DOC = re.compile(r"\b(20\d\d)\s*(?:-|–|—|/|to)\s*(20\d\d|\d\d)\b")


@dataclass(frozen=True)
class _Row:
    number: int
    line: int
    what: str
    when: str
    where: str

    @property
    def ref(self) -> str:
        return f"Row {self.number} (line {self.line})"


def _clean(text: str) -> str:
    return " ".join(text.replace("\u200b", "").replace("\ufeff", "").split())


def _cells(line: str) -> list[str]:
    cells = [_clean(c) for c in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _is_header(cells: list[str]) -> bool:
    names = [c.lower().rstrip("?:").strip() for c in cells]
    return names == ["what", "when", "where"]


def _find_table(text: str, warnings: list[str]) -> list[_Row]:
    """The rows under the first `What? / When? / Where?` header, up to the first non-row."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _is_header(_cells(line))), None)
    if start is None:
        warnings.append(
            "No offer table found: expected a header line `What?<tab>When?<tab>Where?` "
            "(copy the table from the document with its header row)."
        )
        return []
    rows: list[_Row] = []
    for i in range(start + 1, len(lines)):
        cells = _cells(lines[i])
        if not cells:
            continue
        if len(cells) == 3 and cells[0]:
            rows.append(_Row(len(rows) + 1, i + 1, *cells))
            continue
        if "\t" in lines[i]:
            warnings.append(
                f"Line {i + 1} has {len(cells)} columns, not What / When / Where: the table "
                f"was taken to end before it. If it is an event, fix that row and import again."
            )
        break
    if not rows:
        warnings.append(f"The offer table at line {start + 1} has no rows.")
    return rows


def academic_year_of(text: str) -> str | None:
    """The academic year a document names ("Offer 2024-2025" -> "2024-25"), if any."""
    for m in _YEAR_IN_DOC.finditer(text):
        first, second = int(m.group(1)), m.group(2)
        second_full = int(second) if len(second) == 4 else 2000 + int(second)
        if second_full == first + 1:
            return f"{first}-{second_full % 100:02d}"
    return None
