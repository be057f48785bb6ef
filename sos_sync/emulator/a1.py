"""A1 notation: parse `'Tab name'!A1:C`, `Tab`, `A:A`, `2:2`; write ranges back the way Sheets does.

Indexes are 0-based, ends exclusive; `None` means "open" (to the edge of the grid).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sos_sync.emulator.errors import ApiError

_ENDPOINT = re.compile(r"([A-Za-z]{0,3})(\d{0,7})\Z")
_SAFE_TITLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_LOOKS_LIKE_CELL = re.compile(r"([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*)\Z")


@dataclass(frozen=True)
class A1:
    """A parsed range: the sheet title as written (or None) and the cell box."""

    sheet: str | None
    row0: int | None = None
    col0: int | None = None
    row1: int | None = None
    col1: int | None = None
    whole_sheet: bool = True


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 0, AA -> 26."""
    value = 0
    for ch in letters.upper():
        value = value * 26 + (ord(ch) - 64)
    return value - 1


def unparsable(text: str) -> ApiError:
    """The 400 Sheets answers for a range it cannot read."""
    return ApiError(400, f"Unable to parse range: {text}")


def parse(text: str) -> A1:
    """Parse an A1 range; raise the Sheets 400 when it is not one."""
    original = text
    text = text.strip()
    if not text:
        raise unparsable(original)
    sheet: str | None
    cells: str | None
    if text.startswith("'"):
        i, chars = 1, []
        while True:
            if i >= len(text):
                raise unparsable(original)
            if text[i] == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    chars.append("'")
                    i += 2
                    continue
                break
            chars.append(text[i])
            i += 1
        sheet = "".join(chars)
        rest = text[i + 1 :]
        if rest == "":
            cells = None
        elif rest.startswith("!") and len(rest) > 1:
            cells = rest[1:]
        else:
            raise unparsable(original)
    elif "!" in text:
        sheet, _, cells = text.partition("!")
        if not sheet or not cells:
            raise unparsable(original)
    elif _is_cells(text):
        sheet, cells = None, text
    else:
        sheet, cells = text, None
    if cells is None:
        return A1(sheet)
    box = _parse_cells(cells)
    if box is None:
        raise unparsable(original)
    return A1(sheet, *box, whole_sheet=False)


def _is_cells(text: str) -> bool:
    return _parse_cells(text) is not None


def _parse_cells(text: str) -> tuple[int | None, int | None, int | None, int | None] | None:
    first, sep, second = text.partition(":")
    a = _ENDPOINT.match(first)
    if not a or not (a.group(1) or a.group(2)):
        return None
    col_a, row_a = a.group(1), a.group(2)
    if not sep:
        if not (col_a and row_a):
            return None
        r, c = int(row_a) - 1, column_index(col_a)
        if r < 0:
            return None
        return r, c, r + 1, c + 1
    b = _ENDPOINT.match(second)
    if not b or not (b.group(1) or b.group(2)):
        return None
    col_b, row_b = b.group(1), b.group(2)
    if (row_a and int(row_a) < 1) or (row_b and int(row_b) < 1):
        return None
    # "A:A" (columns), "1:2" (rows), "A1:B2", "A2:Z", "A2:2"
    if not row_a and not col_b and row_b:
        return None  # "A:2" is not a range
    if not col_a and col_b:
        return None  # "1:A" is not a range
    r0 = int(row_a) - 1 if row_a else 0
    c0 = column_index(col_a) if col_a else 0
    r1 = int(row_b) if row_b else None
    c1 = column_index(col_b) + 1 if col_b else None
    if r1 is not None and r1 < r0 + 1:
        r0, r1 = r1 - 1, r0 + 1
    if c1 is not None and c1 < c0 + 1:
        c0, c1 = c1 - 1, c0 + 1
    return r0, c0, r1, c1


def quote_title(title: str) -> str:
    """Sheet titles are quoted in replies only when they need it."""
    if _SAFE_TITLE.match(title) and not _LOOKS_LIKE_CELL.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def format_box(title: str, row0: int, col0: int, row1: int, col1: int) -> str:
    """`Sheet1!A1:C3` (or `Sheet1!D4` for one cell)."""
    start = f"{column_letters(col0)}{row0 + 1}"
    end = f"{column_letters(col1 - 1)}{row1}"
    cells = start if (row1 - row0 == 1 and col1 - col0 == 1) else f"{start}:{end}"
    return f"{quote_title(title)}!{cells}"
