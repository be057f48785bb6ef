"""Sheets batchUpdate requests on tabs and their grids: add/delete/update sheets, spreadsheet properties, rows and columns, sorting."""

from __future__ import annotations

import copy
from typing import Any

from sos_sync.emulator import grid, sheets_dimensions
from sos_sync.emulator.grid import Invalid, Kind, set_path
from sos_sync.emulator.state import State


def _add_sheet(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    props = dict(body.get("properties") or {})
    title = props.get("title")
    if title and grid.sheet_by_title(book, title) is not None:
        raise Invalid(f'A sheet with the name "{title}" already exists. Please enter another name.')
    if props.get("sheetId") is not None and grid.sheet_by_id(book, props["sheetId"]) is not None:
        raise Invalid(f"Sheet with id {props['sheetId']} already exists.")
    index = props.get("index")
    ordered = grid.ordered_sheets(book)
    if index is None or index > len(ordered):
        index = len(ordered)
    for sheet in ordered:
        if sheet["properties"]["index"] >= index:
            sheet["properties"]["index"] += 1
    props["index"] = index
    sheet = grid.new_sheet(book, props)
    book["sheets"].append(sheet)
    return {"addSheet": {"properties": copy.deepcopy(sheet["properties"])}}


def _delete_sheet(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    sheet = grid.sheet_by_id(book, body.get("sheetId"))
    if sheet is None:
        raise Invalid(f"No sheet with id: {body.get('sheetId')}")
    if len(book["sheets"]) == 1:
        raise Invalid("You can't remove all the sheets in a document.")
    book["sheets"].remove(sheet)
    if all(s["properties"].get("hidden") for s in book["sheets"]):
        raise Invalid("You can't remove all the visible sheets in a document.")
    for index, other in enumerate(grid.ordered_sheets(book)):
        other["properties"]["index"] = index
    sheet_id = sheet["properties"]["sheetId"]
    book["namedRanges"] = [  # its named ranges go with it
        n for n in book.get("namedRanges", []) if n["range"].get("sheetId", 0) != sheet_id
    ]
    book["developerMetadata"] = [
        m
        for m in book.get("developerMetadata", [])
        if m["location"].get("sheetId", m["location"].get("dimensionRange", {}).get("sheetId"))
        != sheet_id
    ]
    return {}


def _update_sheet_properties(
    state: State, book: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    props = body.get("properties") or {}
    mask = body.get("fields")
    if not mask:
        raise Invalid("At least one field must be updated, 'fields' is empty")
    sheet = grid.sheet_by_id(book, props.get("sheetId", 0))
    if sheet is None:
        raise Invalid(f"No grid with id: {props.get('sheetId', 0)}")
    target = sheet["properties"]
    paths = [p.strip() for p in mask.split(",") if p.strip()]
    if paths == ["*"]:
        paths = [k for k in props if k != "sheetId"]
    for path in paths:
        parts = path.replace("/", ".").split(".")
        if parts[0] == "sheetId":
            continue
        if parts[0] == "title":
            clash = grid.sheet_by_title(book, props.get("title") or "")
            if clash is not None and clash is not sheet:
                raise Invalid(
                    f'A sheet with the name "{props.get("title")}" already exists. Please enter another name.'
                )
        set_path(target, props, parts)
    if all(s["properties"].get("hidden") for s in book["sheets"]):
        raise Invalid("You can't hide all the sheets in a document.")
    grid_props = target.setdefault("gridProperties", {})
    grid_props.setdefault("rowCount", grid.DEFAULT_ROWS)
    grid_props.setdefault("columnCount", grid.DEFAULT_COLUMNS)
    del sheet["rows"][grid_props["rowCount"] :]
    return {}


def _update_spreadsheet_properties(
    state: State, book: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    mask = body.get("fields")
    if not mask:
        raise Invalid("At least one field must be updated, 'fields' is empty")
    for path in mask.split(","):
        set_path(
            book["properties"],
            body.get("properties") or {},
            path.strip().replace("/", ".").split("."),
        )
    return {}


def _insert_dimension(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    span = body.get("range") or {}
    sheet = grid.sheet_of(book, span)
    start, end = int(span.get("startIndex", 0)), int(span.get("endIndex", 0))
    if end <= start:
        raise Invalid("The range must have a positive length.")
    rows, cols = grid.size(sheet)
    if span.get("dimension") == "ROWS":
        if start > rows:
            raise Invalid(f"Cannot insert rows at {start}: the sheet has {rows} rows.")
        sheets_dimensions.insert_rows(book, sheet, start, end - start)
    elif span.get("dimension") == "COLUMNS":
        if start > cols:
            raise Invalid(f"Cannot insert columns at {start}: the sheet has {cols} columns.")
        sheets_dimensions.insert_columns(book, sheet, start, end - start)
    else:
        raise Invalid("range.dimension must be ROWS or COLUMNS")
    return {}


def _append_dimension(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    sheet = grid.sheet_of(book, {"sheetId": body.get("sheetId", 0)})
    length = int(body.get("length") or 0)
    if length <= 0:
        raise Invalid("length must be positive")
    rows, cols = grid.size(sheet)
    if body.get("dimension") == "ROWS":
        grid.ensure_grid(sheet, rows + length, cols)
    elif body.get("dimension") == "COLUMNS":
        grid.ensure_grid(sheet, rows, cols + length)
    else:
        raise Invalid("dimension must be ROWS or COLUMNS")
    return {}


def _delete_dimension(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    span = body.get("range") or {}
    sheet = grid.sheet_of(book, span)
    rows, cols = grid.size(sheet)
    limit = rows if span.get("dimension") == "ROWS" else cols
    start, end = int(span.get("startIndex", 0)), int(span.get("endIndex", limit))
    if not 0 <= start < end <= limit:
        raise Invalid(f"Invalid range [{start}, {end}) for a sheet of {limit}.")
    if end - start == limit:
        raise Invalid("You can't delete all the rows on the sheet.")
    if span.get("dimension") == "ROWS":
        sheets_dimensions.delete_rows(book, sheet, start, end)
    else:
        sheets_dimensions.delete_columns(book, sheet, start, end)
    return {}


def _sort_range(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Sort the cells of a range by columns (cells move; row metadata stays where it is)."""
    span = body.get("range") or {}
    sheet = grid.sheet_of(book, span)
    rows, cols = grid.size(sheet)
    r0, r1 = int(span.get("startRowIndex") or 0), int(span.get("endRowIndex") or rows)
    c0, c1 = int(span.get("startColumnIndex") or 0), int(span.get("endColumnIndex") or cols)
    specs = body.get("sortSpecs") or []
    if not specs:
        raise Invalid("At least one sort spec is required.")
    block = [[grid.get_cell(sheet, r, c) for c in range(c0, c1)] for r in range(r0, r1)]
    for spec in reversed(specs):
        column = int(spec.get("dimensionIndex") or 0) - c0
        if not 0 <= column < c1 - c0:
            raise Invalid(f"Sort column {column + c0} is outside the range.")
        descending = spec.get("sortOrder") == "DESCENDING"

        def key(line: list[Any], at: int = column) -> tuple[int, Any]:
            value = line[at].get("v") if line[at] is not None else None
            if isinstance(value, bool):
                return (2, value)
            if isinstance(value, (int, float)):
                return (0, value)
            return (1, str(value).lower()) if value is not None else (3, "")

        filled = [line for line in block if (line[column] or {}).get("v") is not None]
        empty = [line for line in block if (line[column] or {}).get("v") is None]  # blanks last
        filled.sort(key=key, reverse=descending)
        block = filled + empty
    for offset, line in enumerate(block):
        for c, cell in enumerate(line):
            grid.set_cell(sheet, r0 + offset, c0 + c, cell)
    return {}


KINDS: dict[str, Kind] = {
    "addSheet": _add_sheet,
    "deleteSheet": _delete_sheet,
    "updateSheetProperties": _update_sheet_properties,
    "updateSpreadsheetProperties": _update_spreadsheet_properties,
    "insertDimension": _insert_dimension,
    "appendDimension": _append_dimension,
    "deleteDimension": _delete_dimension,
    "sortRange": _sort_range,
}
