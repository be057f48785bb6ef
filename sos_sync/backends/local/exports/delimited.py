"""Rows of a delimited text export: `,` (Google), `;` (Excel in much of Europe) or tab.

The delimiter is the one that splits the header into the most known column titles.
A file that ends inside a quoted answer, or whose last row stops short of the header
without a line ending, was cut short (a download or copy that did not finish).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection

from sos_sync.backends.local.exports import ExportProblem

DELIMITERS = (",", ";", "\t")


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        head = io.StringIO(text[:65536], newline="")
        return next(csv.reader(head, delimiter=delimiter), [])
    except csv.Error:
        return []


def sniff_delimiter(text: str, known: Collection[str], fold: Callable[[str], str]) -> str:
    """The delimiter whose header cells are most often known titles (then: the most cells)."""

    def score(delimiter: str) -> tuple[int, int]:
        cells = _first_record(text, delimiter)
        return sum(fold(c) in known for c in cells), len(cells)

    return max(DELIMITERS, key=score)


def read_delimited(
    text: str, where: str, known: Collection[str], fold: Callable[[str], str]
) -> list[list[str]]:
    """Every row of the export (header first); ExportProblem when the file was cut short."""
    delimiter = sniff_delimiter(text, known, fold)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        if "end of data" in str(exc) or "EOF" in str(exc):
            raise ExportProblem(
                f"{where} ends inside a quoted answer: the file was cut short (a download or "
                "copy that did not finish). Download the responses again."
            ) from None
        raise ExportProblem(
            f"{where} is not a well-formed CSV file (line {reader.line_num}: {exc}). "
            "Download the responses again rather than editing the file by hand."
        ) from None
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if len(rows) > 1 and len(rows[-1]) < len(rows[0]) and not text.endswith(("\n", "\r")):
        raise ExportProblem(
            f"{where} stops part-way through its last response (row {len(rows)} has "
            f"{len(rows[-1])} of {len(rows[0])} columns and no line ending): the file was cut "
            "short. Download the responses again."
        )
    return rows
