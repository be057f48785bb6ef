"""Spreadsheets as stored: sheets, their grids of cells, and the ranges that address them.

A spreadsheet is `{"spreadsheetId", "properties", "sheets": [...], "developerMetadata": [...]}`;
a sheet is `{"properties", "rows": [[cell or None]], "protectedRanges", "conditionalFormats",
"dataValidations", "charts"}`. Row developer metadata lives on the spreadsheet with its
dimension range and moves when rows are inserted or deleted (`sheets_dimensions`).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

from sos_sync.emulator import a1
from sos_sync.emulator.cells import Cell
from sos_sync.emulator.errors import ApiError, not_found
from sos_sync.emulator.state import State

DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
MAX_CELLS = 10_000_000
MAX_CELL_CHARS = 50_000
#: What Google gives a spreadsheet created through the API (a lead's own may be en_GB).
API_LOCALE = ("en_US", "Etc/GMT")


def new_spreadsheet(
    state: State,
    spreadsheet_id: str,
    title: str,
    sheet_titles: list[str],
    locale: str = "en_GB",
    time_zone: str = "Europe/London",
) -> dict[str, Any]:
    """Create and register an empty spreadsheet (and its Drive file entry is the caller's job)."""
    book: dict[str, Any] = {
        "spreadsheetId": spreadsheet_id,
        "properties": {
            "title": title,
            "locale": locale,
            "autoRecalc": "ON_CHANGE",
            "timeZone": time_zone,
        },
        "sheets": [],
        "developerMetadata": [],
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit",
    }
    for index, sheet_title in enumerate(sheet_titles or ["Sheet1"]):
        book["sheets"].append(
            new_sheet(book, {"title": sheet_title, "index": index}, first=index == 0)
        )
    state.spreadsheets[spreadsheet_id] = book
    return book


def new_sheet(book: dict[str, Any], props: dict[str, Any], first: bool = False) -> dict[str, Any]:
    """A blank sheet with Google's defaults (1000 x 26 grid)."""
    used = {s["properties"]["sheetId"] for s in book["sheets"]}
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = 0 if first and 0 not in used else random.randint(1, 2_000_000_000)
        while sheet_id in used:
            sheet_id = random.randint(1, 2_000_000_000)
    grid = dict(props.get("gridProperties") or {})
    grid.setdefault("rowCount", DEFAULT_ROWS)
    grid.setdefault("columnCount", DEFAULT_COLUMNS)
    properties = {k: v for k, v in props.items() if v is not None}
    properties.update(
        {
            "sheetId": sheet_id,
            "title": props.get("title") or f"Sheet{len(book['sheets']) + 1}",
            "index": props.get("index", len(book["sheets"])),
            "sheetType": props.get("sheetType") or "GRID",
            "gridProperties": grid,
        }
    )
    return {
        "properties": properties,
        "rows": [],
        "protectedRanges": [],
        "conditionalFormats": [],
        "dataValidations": [],
        "charts": [],
    }


def spreadsheet(state: State, spreadsheet_id: str) -> dict[str, Any]:
    """The spreadsheet, or the Sheets 404 (403 when it exists but is not shared with us)."""
    entry = state.files.get(spreadsheet_id)
    if entry is not None and entry.get("private"):
        raise ApiError(403, "The caller does not have permission")
    book = state.spreadsheets.get(spreadsheet_id)
    if book is None:
        raise not_found("sheets")
    return book  # type: ignore[no-any-return]


def sheet_by_id(book: dict[str, Any], sheet_id: Any) -> dict[str, Any] | None:
    """The sheet with this sheetId."""
    for sheet in book["sheets"]:
        if sheet["properties"]["sheetId"] == sheet_id:
            return sheet  # type: ignore[no-any-return]
    return None


def sheet_by_title(book: dict[str, Any], title: str) -> dict[str, Any] | None:
    """The sheet with this title (exact, then case-insensitive, as Sheets does)."""
    for sheet in book["sheets"]:
        if sheet["properties"]["title"] == title:
            return sheet  # type: ignore[no-any-return]
    for sheet in book["sheets"]:
        if sheet["properties"]["title"].casefold() == title.casefold():
            return sheet  # type: ignore[no-any-return]
    return None


def ordered_sheets(book: dict[str, Any]) -> list[dict[str, Any]]:
    """Sheets in tab order."""
    return sorted(book["sheets"], key=lambda s: s["properties"]["index"])


def size(sheet: dict[str, Any]) -> tuple[int, int]:
    """(rowCount, columnCount)."""
    grid = sheet["properties"]["gridProperties"]
    return int(grid["rowCount"]), int(grid["columnCount"])


class Resolved:
    """A range resolved against a spreadsheet: the sheet and a box clamped to its grid."""

    def __init__(self, sheet: dict[str, Any], parsed: a1.A1, text: str) -> None:
        self.sheet = sheet
        self.parsed = parsed
        self.text = text
        rows, cols = size(sheet)
        self.row0 = parsed.row0 or 0
        self.col0 = parsed.col0 or 0
        self.row1 = min(parsed.row1, rows) if parsed.row1 is not None else rows
        self.col1 = min(parsed.col1, cols) if parsed.col1 is not None else cols

    @property
    def title(self) -> str:
        """The sheet's title."""
        return str(self.sheet["properties"]["title"])

    def check_inside(self) -> None:
        """Sheets refuses a range that starts outside the grid."""
        rows, cols = size(self.sheet)
        if self.row0 >= rows or self.col0 >= cols:
            raise ApiError(
                400,
                f"Range ({a1.quote_title(self.title)}!{a1.column_letters(self.col0)}{self.row0 + 1}) "
                f"exceeds grid limits. Max rows: {rows}, max columns: {cols}",
            )

    def normalised(self) -> str:
        """The range as Sheets writes it in replies."""
        return a1.format_box(
            self.title,
            self.row0,
            self.col0,
            max(self.row1, self.row0 + 1),
            max(self.col1, self.col0 + 1),
        )


def resolve(book: dict[str, Any], text: str) -> Resolved:
    """Parse an A1 range and find its sheet (the first sheet when none is named); a named
    range's name (`MyRange`, or `'Sheet1'!MyRange` as gspread sends it) stands for its range."""
    try:
        parsed = a1.parse(text)
    except ApiError:
        return _named(book, text)
    if parsed.sheet is None:
        sheet = ordered_sheets(book)[0]
    else:
        found = sheet_by_title(book, parsed.sheet)
        if found is None:
            return _named(book, text)
        sheet = found
    return Resolved(sheet, parsed, text)


def _named(book: dict[str, Any], text: str) -> Resolved:
    name = text.rpartition("!")[2].strip().casefold()
    for named in book.get("namedRanges", []):
        if named["name"].casefold() == name:
            span = named.get("range") or {}
            sheet = sheet_by_id(book, span.get("sheetId", 0))
            if sheet is None:
                break
            box = (span.get(k) for k in ("startRowIndex", "startColumnIndex"))
            row0, col0 = (int(v or 0) for v in box)
            parsed = a1.A1(
                sheet["properties"]["title"],
                row0,
                col0,
                span.get("endRowIndex"),
                span.get("endColumnIndex"),
                whole_sheet=False,
            )
            return Resolved(sheet, parsed, text)
    raise a1.unparsable(text)


def get_cell(sheet: dict[str, Any], row: int, col: int) -> Cell | None:
    """The stored cell (None when empty)."""
    rows = sheet["rows"]
    if row >= len(rows):
        return None
    line = rows[row]
    if col >= len(line):
        return None
    return line[col]  # type: ignore[no-any-return]


def put_value(sheet: dict[str, Any], row: int, col: int, cell: Cell | None) -> None:
    """Write a cell's value (None clears it), keeping the note on the cell."""
    old = get_cell(sheet, row, col)
    if old is not None and "n" in old:
        cell = {**(cell or {}), "n": old["n"]}
    set_cell(sheet, row, col, cell)


def set_cell(sheet: dict[str, Any], row: int, col: int, cell: Cell | None) -> None:
    """Store a cell, growing the row lists as needed."""
    rows = sheet["rows"]
    if cell is None and (row >= len(rows) or col >= len(rows[row])):
        return
    while len(rows) <= row:
        rows.append([])
    line = rows[row]
    while len(line) <= col:
        line.append(None)
    line[col] = cell


def ensure_grid(sheet: dict[str, Any], row_count: int, col_count: int) -> None:
    """Grow the grid so that it holds at least this many rows and columns."""
    grid = sheet["properties"]["gridProperties"]
    grid["rowCount"] = max(int(grid["rowCount"]), row_count)
    grid["columnCount"] = max(int(grid["columnCount"]), col_count)


def last_data_row(sheet: dict[str, Any]) -> int:
    """Index after the last row holding any value."""
    rows = sheet["rows"]
    for index in range(len(rows) - 1, -1, -1):
        if any(c is not None and "v" in c for c in rows[index]):
            return index + 1
    return 0


class Invalid(Exception):
    """A sub-request is not valid (message without the `Invalid requests[i]` prefix)."""


#: One batchUpdate request kind: (state, spreadsheet copy, request body) -> reply.
Kind = Callable[[State, dict[str, Any], dict[str, Any]], dict[str, Any]]


def set_path(target: dict[str, Any], source: dict[str, Any], path: list[str]) -> None:
    """Copy `source`'s value at `path` into `target` (None or absent clears it)."""
    head = path[0]
    if len(path) == 1:
        if head in source and source[head] is not None:
            target[head] = copy.deepcopy(source[head])
        else:
            target.pop(head, None)
        return
    target.setdefault(head, {})
    set_path(target[head], source.get(head) or {}, path[1:])


def sheet_of(book: dict[str, Any], span: dict[str, Any]) -> dict[str, Any]:
    """The sheet a GridRange names (sheetId 0 when absent)."""
    sheet = sheet_by_id(book, span.get("sheetId", 0))
    if sheet is None:
        raise Invalid(f"No grid with id: {span.get('sheetId', 0)}")
    return sheet


def locale(book: dict[str, Any]) -> str:
    """The spreadsheet's locale (`en_GB`, `en_US` ...)."""
    return str(book["properties"].get("locale") or "en_US")


def check_cell_limit(book: dict[str, Any]) -> None:
    """Google's 10 million cells per spreadsheet."""
    total = sum(
        int(s["properties"].get("gridProperties", {}).get("rowCount", 0))
        * int(s["properties"].get("gridProperties", {}).get("columnCount", 0))
        for s in book["sheets"]
    )
    if total > MAX_CELLS:
        raise ApiError(
            400,
            "This action would increase the number of cells in the workbook above the limit "
            f"of {MAX_CELLS} cells.",
        )
