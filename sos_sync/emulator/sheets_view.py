"""How a spreadsheet shows in spreadsheets.get: properties, sheets, metadata and (asked for) grid data."""

from __future__ import annotations

from typing import Any

from sos_sync.emulator import cells, grid, sheets_layout
from sos_sync.emulator.sheets_metadata import public_metadata


def _cell_data(cell: dict[str, Any] | None, locale: str) -> dict[str, Any]:
    if cell is None:
        return {}
    entry: dict[str, Any] = {}
    if "v" in cell:
        value = cell["v"]
        kind = (
            "boolValue"
            if isinstance(value, bool)
            else ("numberValue" if isinstance(value, (int, float)) else "stringValue")
        )
        entry["userEnteredValue"] = {"formulaValue": cell["f"]} if "f" in cell else {kind: value}
        entry["effectiveValue"] = {kind: value}
        entry["formattedValue"] = cells.formatted(cell, locale)
    if cell.get("n"):
        entry["note"] = cell["n"]
    return entry


def _grid_data(sheet: dict[str, Any], locale: str, box: grid.Resolved | None) -> dict[str, Any]:
    """One GridData: the whole sheet, or the box a `ranges` entry asked for."""
    row0, col0 = (box.row0, box.col0) if box else (0, 0)
    row1 = min(box.row1, len(sheet["rows"])) if box else len(sheet["rows"])
    row_data = []
    for line in sheet["rows"][row0:row1]:
        end = min(box.col1, len(line)) if box else len(line)
        values = [_cell_data(cell, locale) for cell in line[col0:end]]
        row_data.append({"values": values} if values else {})
    data: dict[str, Any] = {"startRow": row0, "startColumn": col0}
    if row_data:
        data["rowData"] = row_data
    return data


def trim_grid_data(reply: dict[str, Any]) -> None:
    """After a field mask: cells and rows left empty at the end of a GridData are dropped
    (gspread's `get_notes` relies on it: as tall as the last note, each row as long)."""
    for sheet in reply.get("sheets", []):
        for data in sheet.get("data", []):
            rows = data.get("rowData", [])
            for row in rows:
                values = row.get("values", [])
                while values and not values[-1]:
                    values.pop()
                if not values:
                    row.pop("values", None)
            while rows and not rows[-1]:
                rows.pop()


def _layout(sheet: dict[str, Any], entry: dict[str, Any]) -> None:
    """Merges, the basic filter and dimension groups, when the sheet has them."""
    if sheet.get("merges"):
        entry["merges"] = sheet["merges"]
    if sheet.get("basicFilter"):
        entry["basicFilter"] = sheet["basicFilter"]
    for key, dimension in (("rowGroups", "ROWS"), ("columnGroups", "COLUMNS")):
        found = sheets_layout.groups(sheet, dimension)
        if found:
            entry[key] = found


def public_spreadsheet(
    book: dict[str, Any],
    include_grid: bool = False,
    only: dict[int, list[grid.Resolved | None]] | None = None,
) -> dict[str, Any]:
    """A spreadsheet as spreadsheets.get shows it (empty lists omitted); `only`: the sheets
    `ranges` asked for, with the boxes to give grid data of (None: the whole sheet)."""
    sheets_out = []
    for sheet in grid.ordered_sheets(book):
        sheet_id = sheet["properties"]["sheetId"]
        if only is not None and sheet_id not in only:
            continue
        entry: dict[str, Any] = {"properties": sheet["properties"]}
        for key in ("protectedRanges", "conditionalFormats", "charts"):
            if sheet.get(key):
                entry[key] = sheet[key]
        sheet_meta = [
            public_metadata(m)
            for m in book.get("developerMetadata", [])
            if m["location"].get("sheetId") == sheet_id and "dimensionRange" not in m["location"]
        ]
        if sheet_meta:
            entry["developerMetadata"] = sheet_meta
        _layout(sheet, entry)
        if include_grid:
            boxes = only[sheet_id] if only is not None else [None]
            entry["data"] = [_grid_data(sheet, grid.locale(book), box) for box in boxes]
        sheets_out.append(entry)
    reply: dict[str, Any] = {
        "spreadsheetId": book["spreadsheetId"],
        "properties": book["properties"],
        "sheets": sheets_out,
        "spreadsheetUrl": book["spreadsheetUrl"],
    }
    top_meta = [
        public_metadata(m)
        for m in book.get("developerMetadata", [])
        if m["location"].get("spreadsheet")
    ]
    if top_meta:
        reply["developerMetadata"] = top_meta
    if book.get("namedRanges"):
        reply["namedRanges"] = book["namedRanges"]
    return reply
