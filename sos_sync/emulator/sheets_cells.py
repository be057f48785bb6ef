"""Sheets batchUpdate requests on cells: updateCells, copyPaste, cutPaste.

- updateCells writes `rows` from `start` (a GridCoordinate) or into `range` (a GridRange; the
  cells of the range the rows leave out are cleared for the fields written). `fields` says
  what is written: `userEnteredValue` and `note` are kept, formats are accepted and not
  stored (the emulator keeps no formatting).
- copyPaste repeats the source to fill a destination that is a multiple of it, and pastes
  the whole source from the destination's corner otherwise; cutPaste moves the source to a
  GridCoordinate. PASTE_NORMAL (and the other kinds that paste content) copies values,
  formulas and notes; PASTE_FORMULA values and formulas; PASTE_VALUES the values only;
  PASTE_FORMAT, PASTE_DATA_VALIDATION and PASTE_CONDITIONAL_FORMATTING change no content
  here. TRANSPOSE swaps rows and columns.
  Formulas are copied as written (no relative references are shifted).
"""

from __future__ import annotations

from typing import Any

from sos_sync.emulator import cells, grid
from sos_sync.emulator.cells import Cell
from sos_sync.emulator.grid import Invalid, Kind
from sos_sync.emulator.sheets_layout import full_range
from sos_sync.emulator.state import State

CONTENT_FIELDS = ("userEnteredValue", "note")
NO_CONTENT = frozenset({"PASTE_FORMAT", "PASTE_DATA_VALIDATION", "PASTE_CONDITIONAL_FORMATTING"})


def _value_of(extended: dict[str, Any] | None, locale: str) -> Cell | None:
    """A stored cell from an ExtendedValue (None: no value)."""
    if not extended:
        return None
    if "formulaValue" in extended:
        return cells.user_entered(str(extended["formulaValue"]), locale)
    for key in ("stringValue", "numberValue", "boolValue"):
        if key in extended and extended[key] is not None:
            return {"v": extended[key]}
    if "errorValue" in extended:
        raise Invalid("errorValue cannot be written.")
    return None


def _mask(text: Any) -> set[str]:
    paths = {p.strip().split(".")[0].split("/")[0] for p in str(text or "").split(",")}
    paths.discard("")
    if not paths:
        raise Invalid("At least one field must be updated, 'fields' is empty")
    return set(CONTENT_FIELDS) if "*" in paths else paths & set(CONTENT_FIELDS)


def _write_cell(
    sheet: dict[str, Any], r: int, c: int, data: dict[str, Any], fields: set[str], locale: str
) -> None:
    old = grid.get_cell(sheet, r, c) or {}
    new: Cell = dict(old)
    if "userEnteredValue" in fields:
        for key in ("v", "f", "d", "g", "p"):
            new.pop(key, None)
        new.update(_value_of(data.get("userEnteredValue"), locale) or {})
    if "note" in fields:
        new.pop("n", None)
        if data.get("note"):
            new["n"] = str(data["note"])
    grid.set_cell(sheet, r, c, new or None)


def _update_cells(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    fields = _mask(body.get("fields"))
    rows = [row.get("values") or [] for row in body.get("rows") or []]
    if (body.get("start") is None) == (body.get("range") is None):
        raise Invalid("Exactly one of 'start' or 'range' must be set.")
    if body.get("range") is not None:
        span = full_range(book, body["range"])
        r0, c0 = span["startRowIndex"], span["startColumnIndex"]
        height, width = span["endRowIndex"] - r0, span["endColumnIndex"] - c0
        if len(rows) > height or any(len(line) > width for line in rows):
            raise Invalid("The rows given do not fit in the range.")
    else:
        start = body["start"]
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        height, width = len(rows), max((len(line) for line in rows), default=0)
        span = full_range(
            book,
            {
                "sheetId": start.get("sheetId", 0),
                "startRowIndex": r0,
                "endRowIndex": r0 + max(height, 1),
                "startColumnIndex": c0,
                "endColumnIndex": c0 + max(width, 1),
            },
        )
    sheet = grid.sheet_of(book, span)
    locale = grid.locale(book)
    for r in range(height):
        line = rows[r] if r < len(rows) else []
        for c in range(width):
            data = line[c] if c < len(line) else {}
            if c < len(line) or body.get("range") is not None:
                _write_cell(sheet, r0 + r, c0 + c, data or {}, fields, locale)
    return {}


def _block(sheet: dict[str, Any], span: dict[str, Any]) -> list[list[Cell | None]]:
    r0, r1 = span["startRowIndex"], span["endRowIndex"]
    c0, c1 = span["startColumnIndex"], span["endColumnIndex"]
    return [[grid.get_cell(sheet, r, c) for c in range(c0, c1)] for r in range(r0, r1)]


def _paste(
    sheet: dict[str, Any], r0: int, c0: int, block: list[list[Cell | None]], kind: str
) -> None:
    if kind in NO_CONTENT:
        return
    rows, cols = grid.size(sheet)
    if r0 + len(block) > rows or c0 + len(block[0]) > cols:
        raise Invalid(
            f"The paste at row {r0 + 1}, column {c0 + 1} would run past the grid of "
            f"{rows} rows and {cols} columns."
        )
    for r, line in enumerate(block):
        for c, cell in enumerate(line):
            if kind == "PASTE_VALUES":
                value = {"v": cell["v"]} if cell is not None and "v" in cell else None
                grid.put_value(sheet, r0 + r, c0 + c, value)
            elif kind == "PASTE_FORMULA":  # the content, not the note
                kept = {k: v for k, v in (cell or {}).items() if k != "n"}
                grid.put_value(sheet, r0 + r, c0 + c, kept or None)
            else:
                grid.set_cell(sheet, r0 + r, c0 + c, dict(cell) if cell else None)


def _copy_paste(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    source = full_range(book, body.get("source") or {})
    target = full_range(book, body.get("destination") or {})
    block = _block(grid.sheet_of(book, source), source)
    if body.get("pasteOrientation") == "TRANSPOSE":
        block = [list(column) for column in zip(*block, strict=True)]
    height, width = len(block), len(block[0])
    across = max(1, (target["endRowIndex"] - target["startRowIndex"]) // height)
    down = max(1, (target["endColumnIndex"] - target["startColumnIndex"]) // width)
    sheet = grid.sheet_of(book, target)
    for i in range(across):
        for j in range(down):
            row0 = target["startRowIndex"] + i * height
            col0 = target["startColumnIndex"] + j * width
            _paste(sheet, row0, col0, block, body.get("pasteType") or "PASTE_NORMAL")
    return {}


def _cut_paste(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    source = full_range(book, body.get("source") or {})
    where = body.get("destination") or {}
    kind = body.get("pasteType") or "PASTE_NORMAL"
    sheet = grid.sheet_of(book, source)
    block = _block(sheet, source)
    if kind not in NO_CONTENT:
        for r in range(source["startRowIndex"], source["endRowIndex"]):
            for c in range(source["startColumnIndex"], source["endColumnIndex"]):
                if kind == "PASTE_VALUES":
                    grid.put_value(sheet, r, c, None)
                else:
                    grid.set_cell(sheet, r, c, None)
    target = grid.sheet_of(book, {"sheetId": where.get("sheetId", 0)})
    _paste(target, int(where.get("rowIndex", 0)), int(where.get("columnIndex", 0)), block, kind)
    return {}


KINDS: dict[str, Kind] = {
    "updateCells": _update_cells,
    "copyPaste": _copy_paste,
    "cutPaste": _cut_paste,
}
