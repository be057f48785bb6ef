"""How a spreadsheet shows in spreadsheets.get: properties, sheets, metadata and (asked for) grid data."""

from __future__ import annotations

from typing import Any

from sos_sync.emulator import cells, grid
from sos_sync.emulator.sheets_metadata import public_metadata


def _grid_data(sheet: dict[str, Any], locale: str) -> list[dict[str, Any]]:
    row_data = []
    for line in sheet["rows"]:
        values: list[dict[str, Any]] = []
        for cell in line:
            if cell is None:
                values.append({})
                continue
            entry: dict[str, Any] = {"formattedValue": cells.formatted(cell, locale)}
            value = cell["v"]
            kind = (
                "boolValue"
                if isinstance(value, bool)
                else ("numberValue" if isinstance(value, (int, float)) else "stringValue")
            )
            entry["effectiveValue"] = {kind: value}
            entry["userEnteredValue"] = (
                {"formulaValue": cell["f"]} if "f" in cell else {kind: value}
            )
            values.append(entry)
        row_data.append({"values": values} if values else {})
    return [{"startRow": 0, "startColumn": 0, "rowData": row_data}] if row_data else [{}]


def public_spreadsheet(
    book: dict[str, Any], include_grid: bool = False, only: set[int] | None = None
) -> dict[str, Any]:
    """A spreadsheet as spreadsheets.get shows it (empty lists omitted)."""
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
        if include_grid:
            entry["data"] = _grid_data(sheet, grid.locale(book))
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
