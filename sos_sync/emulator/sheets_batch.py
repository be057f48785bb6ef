"""Sheets `spreadsheets:batchUpdate`: structural requests, applied in order and all-or-nothing.

Each request object must name exactly one kind. A failing request answers
`400 Invalid requests[i].<kind>: ...` and leaves the spreadsheet as it was.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

from sos_sync.emulator import grid
from sos_sync.emulator.errors import ApiError
from sos_sync.emulator.state import State

OWNER = "owner@emulator.test"

#: Accepted and answered with `{}`: formatting only, nothing the product reads back.
NO_OPS = frozenset(
    {
        "repeatCell",
        "updateBorders",
        "autoResizeDimensions",
        "updateDimensionProperties",
        "mergeCells",
        "unmergeCells",
        "formatCells",
        "setBasicFilter",
        "clearBasicFilter",
        "updateCellsFormat",
    }
)


class Invalid(Exception):
    """A sub-request is not valid (message without the `Invalid requests[i]` prefix)."""


def public_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """Developer metadata as Google shows it."""
    return copy.deepcopy(meta)


def _location(book: dict[str, Any], location: dict[str, Any]) -> dict[str, Any]:
    if location.get("spreadsheet"):
        return {"locationType": "SPREADSHEET", "spreadsheet": True}
    if location.get("sheetId") is not None:
        if grid.sheet_by_id(book, location["sheetId"]) is None:
            raise Invalid(f"No grid with id: {location['sheetId']}")
        return {"locationType": "SHEET", "sheetId": location["sheetId"]}
    span = location.get("dimensionRange")
    if span:
        sheet = grid.sheet_by_id(book, span.get("sheetId", 0))
        if sheet is None:
            raise Invalid(f"No grid with id: {span.get('sheetId', 0)}")
        dimension = span.get("dimension")
        if dimension not in ("ROWS", "COLUMNS"):
            raise Invalid("dimensionRange.dimension must be ROWS or COLUMNS")
        rows, cols = grid.size(sheet)
        limit = rows if dimension == "ROWS" else cols
        start = int(span.get("startIndex", 0))
        end = int(span.get("endIndex", limit))
        if not 0 <= start < end <= limit:
            raise Invalid(f"Invalid dimensionRange: [{start}, {end}) outside 0..{limit}")
        return {
            "locationType": "ROW" if dimension == "ROWS" else "COLUMN",
            "dimensionRange": {
                "sheetId": sheet["properties"]["sheetId"],
                "dimension": dimension,
                "startIndex": start,
                "endIndex": end,
            },
        }
    raise Invalid("Developer metadata location must be specified")


def lookup_matches(book: dict[str, Any], lookup: dict[str, Any]) -> list[dict[str, Any]]:
    """Metadata matching a DeveloperMetadataLookup (every given field must match)."""
    found = []
    for meta in book.get("developerMetadata", []):
        if (
            "metadataId" in lookup
            and lookup["metadataId"] is not None
            and int(lookup["metadataId"]) != meta["metadataId"]
        ):
            continue
        if lookup.get("metadataKey") is not None and lookup["metadataKey"] != meta.get(
            "metadataKey"
        ):
            continue
        if lookup.get("metadataValue") is not None and lookup["metadataValue"] != meta.get(
            "metadataValue"
        ):
            continue
        if lookup.get("visibility") and lookup["visibility"] != meta.get("visibility"):
            continue
        if (
            lookup.get("locationType")
            and lookup["locationType"] != meta["location"]["locationType"]
        ):
            continue
        where = lookup.get("metadataLocation")
        if where:
            location = meta["location"]
            if (
                where.get("sheetId") is not None
                and location.get("sheetId", location.get("dimensionRange", {}).get("sheetId"))
                != where["sheetId"]
            ):
                continue
            if where.get("spreadsheet") and not location.get("spreadsheet"):
                continue
            span = where.get("dimensionRange")
            if span and location.get("dimensionRange") != {**{"startIndex": 0}, **span}:
                continue
        found.append(meta)
    return found


# --------------------------------------------------------------------------------------------
# one function per request kind: (state, book, body) -> reply


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
    for index, other in enumerate(grid.ordered_sheets(book)):
        other["properties"]["index"] = index
    sheet_id = sheet["properties"]["sheetId"]
    book["developerMetadata"] = [
        m
        for m in book.get("developerMetadata", [])
        if m["location"].get("sheetId", m["location"].get("dimensionRange", {}).get("sheetId"))
        != sheet_id
    ]
    return {}


def _set_path(target: dict[str, Any], source: dict[str, Any], path: list[str]) -> None:
    head = path[0]
    if len(path) == 1:
        if head in source and source[head] is not None:
            target[head] = copy.deepcopy(source[head])
        else:
            target.pop(head, None)
        return
    target.setdefault(head, {})
    _set_path(target[head], source.get(head) or {}, path[1:])


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
        _set_path(target, props, parts)
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
        _set_path(
            book["properties"],
            body.get("properties") or {},
            path.strip().replace("/", ".").split("."),
        )
    return {}


def _create_metadata(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    meta = dict(body.get("developerMetadata") or {})
    if not meta.get("metadataKey"):
        raise Invalid("Developer metadata must have a key.")
    if meta.get("visibility") in (None, "DEVELOPER_METADATA_VISIBILITY_UNSPECIFIED"):
        raise Invalid("Developer metadata visibility must be specified.")
    meta["location"] = _location(book, meta.get("location") or {})
    used = {m["metadataId"] for m in book.get("developerMetadata", [])}
    if meta.get("metadataId") is not None:
        if meta["metadataId"] in used:
            raise Invalid(f"Developer metadata with ID {meta['metadataId']} already exists.")
    else:
        meta["metadataId"] = random.randint(1, 2_000_000_000)
        while meta["metadataId"] in used:
            meta["metadataId"] = random.randint(1, 2_000_000_000)
    meta = {k: v for k, v in meta.items() if v is not None}
    book.setdefault("developerMetadata", []).append(meta)
    return {"createDeveloperMetadata": {"developerMetadata": public_metadata(meta)}}


def _delete_metadata(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    lookup = (body.get("dataFilter") or {}).get("developerMetadataLookup")
    if not lookup:
        raise Invalid("dataFilter.developerMetadataLookup is required by the emulator")
    doomed = lookup_matches(book, lookup)
    ids = {id(m) for m in doomed}
    book["developerMetadata"] = [m for m in book.get("developerMetadata", []) if id(m) not in ids]
    reply: dict[str, Any] = {}
    if doomed:
        reply["deletedDeveloperMetadata"] = [public_metadata(m) for m in doomed]
    return {"deleteDeveloperMetadata": reply}


def _update_metadata(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    mask = body.get("fields")
    if not mask:
        raise Invalid("'fields' is required")
    changes = body.get("developerMetadata") or {}
    updated = []
    for data_filter in body.get("dataFilters") or []:
        for meta in lookup_matches(book, data_filter.get("developerMetadataLookup") or {}):
            for path in mask.split(","):
                path = path.strip()
                if path == "location":
                    meta["location"] = _location(book, changes.get("location") or {})
                else:
                    _set_path(meta, changes, path.replace("/", ".").split("."))
            updated.append(public_metadata(meta))
    return {"updateDeveloperMetadata": {"developerMetadata": updated} if updated else {}}


def _grid_range(book: dict[str, Any], span: dict[str, Any]) -> dict[str, Any]:
    sheet = grid.sheet_by_id(book, span.get("sheetId", 0))
    if sheet is None:
        raise Invalid(f"No grid with id: {span.get('sheetId', 0)}")
    return sheet


def _set_data_validation(
    state: State, book: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    span = body.get("range") or {}
    sheet = _grid_range(book, span)
    rule = body.get("rule")
    sheet["dataValidations"] = [v for v in sheet["dataValidations"] if v["range"] != span]
    if rule:
        condition = rule.get("condition") or {}
        if not condition.get("type"):
            raise Invalid("Data validation rule must have a condition type.")
        if condition["type"] == "ONE_OF_RANGE" and len(condition.get("values") or []) != 1:
            raise Invalid("ONE_OF_RANGE condition requires exactly one value.")
        sheet["dataValidations"].append({"range": span, "rule": rule})
    return {}


def _add_conditional_format(
    state: State, book: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    rule = body.get("rule") or {}
    ranges = rule.get("ranges") or []
    if not ranges:
        raise Invalid("Conditional format rule must have at least one range.")
    if not (rule.get("booleanRule") or rule.get("gradientRule")):
        raise Invalid("Conditional format rule must have a booleanRule or gradientRule.")
    sheet = _grid_range(book, ranges[0])
    index = body.get("index") or 0
    sheet["conditionalFormats"].insert(min(index, len(sheet["conditionalFormats"])), rule)
    return {}


def _delete_conditional_format(
    state: State, book: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    sheet = _grid_range(book, {"sheetId": body.get("sheetId", 0)})
    index = body.get("index") or 0
    if index >= len(sheet["conditionalFormats"]):
        raise Invalid(f"No conditional format on sheet {body.get('sheetId', 0)} at index {index}")
    rule = sheet["conditionalFormats"].pop(index)
    return {"deleteConditionalFormatRule": {"rule": rule}}


def _all_protected(book: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(s, p) for s in book["sheets"] for p in s["protectedRanges"]]


def _add_protected_range(
    state: State, book: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    protected = {k: v for k, v in (body.get("protectedRange") or {}).items() if v is not None}
    span = protected.get("range") or {}
    sheet = _grid_range(book, span)
    if protected.get("warningOnly") and protected.get("editors"):
        raise Invalid("Editors cannot be set when warningOnly is true.")
    used = {p["protectedRangeId"] for _, p in _all_protected(book)}
    if protected.get("protectedRangeId") in used:
        raise Invalid(f"Protected range with id {protected['protectedRangeId']} already exists.")
    if protected.get("protectedRangeId") is None:
        protected["protectedRangeId"] = random.randint(1, 2_000_000_000)
    protected["range"] = {k: v for k, v in span.items() if v is not None}
    protected["requestingUserCanEdit"] = True
    if not protected.get("warningOnly"):
        editors = protected.setdefault("editors", {})
        users = [u for u in editors.get("users") or [] if u]
        if OWNER not in users:
            users.append(OWNER)
        editors["users"] = users
    sheet["protectedRanges"].append(protected)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(protected)}}


def _delete_protected_range(
    state: State, book: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    wanted = body.get("protectedRangeId")
    for sheet, protected in _all_protected(book):
        if protected["protectedRangeId"] == wanted:
            sheet["protectedRanges"].remove(protected)
            return {}
    raise Invalid(f"No protected range with id: {wanted}")


def _insert_dimension(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    span = body.get("range") or {}
    sheet = _grid_range(book, span)
    start, end = int(span.get("startIndex", 0)), int(span.get("endIndex", 0))
    if end <= start:
        raise Invalid("The range must have a positive length.")
    rows, cols = grid.size(sheet)
    if span.get("dimension") == "ROWS":
        if start > rows:
            raise Invalid(f"Cannot insert rows at {start}: the sheet has {rows} rows.")
        grid.insert_rows(book, sheet, start, end - start)
    elif span.get("dimension") == "COLUMNS":
        if start > cols:
            raise Invalid(f"Cannot insert columns at {start}: the sheet has {cols} columns.")
        grid.insert_columns(book, sheet, start, end - start)
    else:
        raise Invalid("range.dimension must be ROWS or COLUMNS")
    return {}


def _append_dimension(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    sheet = _grid_range(book, {"sheetId": body.get("sheetId", 0)})
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
    sheet = _grid_range(book, span)
    rows, cols = grid.size(sheet)
    limit = rows if span.get("dimension") == "ROWS" else cols
    start, end = int(span.get("startIndex", 0)), int(span.get("endIndex", limit))
    if not 0 <= start < end <= limit:
        raise Invalid(f"Invalid range [{start}, {end}) for a sheet of {limit}.")
    if end - start == limit:
        raise Invalid("You can't delete all the rows on the sheet.")
    if span.get("dimension") == "ROWS":
        grid.delete_rows(book, sheet, start, end)
    else:
        grid.delete_columns(book, sheet, start, end)
    return {}


def _add_chart(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    chart = copy.deepcopy(body.get("chart") or {})
    if not chart.get("spec"):
        raise Invalid("chart.spec is required")
    anchor = ((chart.get("position") or {}).get("overlayPosition") or {}).get("anchorCell") or {}
    sheet_id = anchor.get("sheetId", (chart.get("position") or {}).get("sheetId", 0))
    sheet = _grid_range(book, {"sheetId": sheet_id})
    chart.setdefault("chartId", random.randint(1, 2_000_000_000))
    sheet["charts"].append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


def _sort_range(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Sort the cells of a range by columns (cells move; row metadata stays where it is)."""
    span = body.get("range") or {}
    sheet = _grid_range(book, span)
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
            value = line[at]["v"] if line[at] is not None else None
            if isinstance(value, bool):
                return (2, value)
            if isinstance(value, (int, float)):
                return (0, value)
            return (1, str(value).lower()) if value is not None else (3, "")

        filled = [line for line in block if line[column] is not None]
        empty = [line for line in block if line[column] is None]  # blanks always sort last
        filled.sort(key=key, reverse=descending)
        block = filled + empty
    for offset, line in enumerate(block):
        for c, cell in enumerate(line):
            grid.set_cell(sheet, r0 + offset, c0 + c, cell)
    return {}


def _no_op(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    return {}


KINDS: dict[str, Callable[[State, dict[str, Any], dict[str, Any]], dict[str, Any]]] = {
    "addSheet": _add_sheet,
    "deleteSheet": _delete_sheet,
    "updateSheetProperties": _update_sheet_properties,
    "updateSpreadsheetProperties": _update_spreadsheet_properties,
    "createDeveloperMetadata": _create_metadata,
    "deleteDeveloperMetadata": _delete_metadata,
    "updateDeveloperMetadata": _update_metadata,
    "setDataValidation": _set_data_validation,
    "addConditionalFormatRule": _add_conditional_format,
    "deleteConditionalFormatRule": _delete_conditional_format,
    "addProtectedRange": _add_protected_range,
    "deleteProtectedRange": _delete_protected_range,
    "insertDimension": _insert_dimension,
    "appendDimension": _append_dimension,
    "deleteDimension": _delete_dimension,
    "addChart": _add_chart,
    "sortRange": _sort_range,
    **{name: _no_op for name in NO_OPS},
}


def batch_update(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Apply every request to a copy; swap it in only when all succeed."""
    work = copy.deepcopy(book)
    replies = []
    for i, request in enumerate(body.get("requests") or []):
        present = [k for k, v in request.items() if v is not None]
        if len(present) != 1:
            raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request must be set.")
        kind = present[0]
        handler = KINDS.get(kind)
        if handler is None:
            raise ApiError(400, f"Invalid requests[{i}].{kind}: not supported by the emulator.")
        try:
            replies.append(handler(state, work, request[kind]))
        except Invalid as exc:
            raise ApiError(400, f"Invalid requests[{i}].{kind}: {exc}") from exc
    state.spreadsheets[book["spreadsheetId"]] = work
    entry = state.files.get(book["spreadsheetId"])
    if entry is not None:  # Drive shows a renamed spreadsheet's new title
        entry["name"] = work["properties"].get("title", entry["name"])
    reply: dict[str, Any] = {"spreadsheetId": book["spreadsheetId"]}
    if replies:
        reply["replies"] = replies
    return reply
