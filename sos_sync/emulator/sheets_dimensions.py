"""Rows and columns inserted or deleted: the cells move, and so does everything anchored to them.

Row and column developer metadata moves with its rows (and goes with them when they are
deleted); merges, named ranges, the basic filter and dimension groups move and stretch the
same way (a merge or named range whose rows are all deleted goes too).
"""

from __future__ import annotations

from typing import Any

_KEYS = {
    "ROWS": ("startRowIndex", "endRowIndex", "rowDepths"),
    "COLUMNS": ("startColumnIndex", "endColumnIndex", "columnDepths"),
}


def insert_rows(book: dict[str, Any], sheet: dict[str, Any], at: int, count: int) -> None:
    """Insert empty rows before `at`; what is anchored below moves down with its rows."""
    rows = sheet["rows"]
    if at < len(rows):
        rows[at:at] = [[] for _ in range(count)]
    sheet["properties"]["gridProperties"]["rowCount"] += count
    _shift_metadata(book, sheet, "ROWS", at, count)
    _move_layout(book, sheet, "ROWS", at, count)


def insert_columns(book: dict[str, Any], sheet: dict[str, Any], at: int, count: int) -> None:
    """Insert empty columns before `at`."""
    for line in sheet["rows"]:
        if at < len(line):
            line[at:at] = [None] * count
    sheet["properties"]["gridProperties"]["columnCount"] += count
    _shift_metadata(book, sheet, "COLUMNS", at, count)
    _move_layout(book, sheet, "COLUMNS", at, count)


def delete_rows(book: dict[str, Any], sheet: dict[str, Any], start: int, end: int) -> None:
    """Delete rows [start, end); metadata on them is deleted, metadata below moves up."""
    del sheet["rows"][start:end]
    sheet["properties"]["gridProperties"]["rowCount"] -= end - start
    _delete_metadata_span(book, sheet, "ROWS", start, end)
    _cut_layout(book, sheet, "ROWS", start, end)


def delete_columns(book: dict[str, Any], sheet: dict[str, Any], start: int, end: int) -> None:
    """Delete columns [start, end)."""
    for line in sheet["rows"]:
        del line[start:end]
    sheet["properties"]["gridProperties"]["columnCount"] -= end - start
    _delete_metadata_span(book, sheet, "COLUMNS", start, end)
    _cut_layout(book, sheet, "COLUMNS", start, end)


def _dimension_metadata(
    book: dict[str, Any], sheet: dict[str, Any], dimension: str
) -> list[dict[str, Any]]:
    sheet_id = sheet["properties"]["sheetId"]
    found = []
    for meta in book.get("developerMetadata", []):
        span = meta["location"].get("dimensionRange")
        if span and span.get("sheetId") == sheet_id and span.get("dimension") == dimension:
            found.append(meta)
    return found


def _shift_metadata(
    book: dict[str, Any], sheet: dict[str, Any], dimension: str, at: int, count: int
) -> None:
    for meta in _dimension_metadata(book, sheet, dimension):
        span = meta["location"]["dimensionRange"]
        if span["startIndex"] >= at:
            span["startIndex"] += count
            span["endIndex"] += count
        elif span["endIndex"] > at:
            span["endIndex"] += count


def _delete_metadata_span(
    book: dict[str, Any], sheet: dict[str, Any], dimension: str, start: int, end: int
) -> None:
    count = end - start
    keep = []
    doomed = {id(m) for m in _dimension_metadata(book, sheet, dimension)}
    for meta in book.get("developerMetadata", []):
        if id(meta) not in doomed:
            keep.append(meta)
            continue
        span = meta["location"]["dimensionRange"]
        s, e = span["startIndex"], span["endIndex"]
        if s >= start and e <= end:
            continue  # its rows are gone, so is it
        if s >= end:
            span["startIndex"], span["endIndex"] = s - count, e - count
        else:
            overlap = max(0, min(e, end) - max(s, start))
            span["endIndex"] = e - overlap
            if s > start:
                span["startIndex"] = start
        keep.append(meta)
    book["developerMetadata"] = keep


def _anchored(book: dict[str, Any], sheet: dict[str, Any]) -> list[dict[str, Any]]:
    """The GridRanges on this sheet: named ranges, merges, the basic filter's range."""
    sheet_id = sheet["properties"]["sheetId"]
    spans = [
        n["range"] for n in book.get("namedRanges", []) if n["range"].get("sheetId", 0) == sheet_id
    ]
    spans += sheet.get("merges", [])
    if sheet.get("basicFilter"):
        spans.append(sheet["basicFilter"]["range"])
    return spans


def _move_layout(
    book: dict[str, Any], sheet: dict[str, Any], dimension: str, at: int, count: int
) -> None:
    first, last, depth_key = _KEYS[dimension]
    for span in _anchored(book, sheet):
        if span.get(first, 0) >= at:
            span[first] = span.get(first, 0) + count
            if last in span:
                span[last] += count
        elif last in span and span[last] > at:
            span[last] += count  # inserted inside: it stretches
    depths = sheet.get(depth_key)
    if depths and at < len(depths):
        inside = min(depths[at - 1], depths[at]) if at > 0 else 0
        depths[at:at] = [inside] * count


def _cut_layout(
    book: dict[str, Any], sheet: dict[str, Any], dimension: str, start: int, end: int
) -> None:
    first, last, depth_key = _KEYS[dimension]

    def mapped(index: int) -> int:
        return index if index <= start else (start if index <= end else index - (end - start))

    dead: set[int] = set()
    for span in _anchored(book, sheet):
        span[first] = mapped(span.get(first, 0))
        if last in span:
            span[last] = mapped(span[last])
            if span[last] <= span[first]:
                dead.add(id(span))

    def one_cell(m: dict[str, Any]) -> bool:
        rows = m["endRowIndex"] - m.get("startRowIndex", 0)
        return bool(rows * (m["endColumnIndex"] - m.get("startColumnIndex", 0)) < 2)

    sheet["merges"] = [m for m in sheet.get("merges", []) if id(m) not in dead and not one_cell(m)]
    book["namedRanges"] = [n for n in book.get("namedRanges", []) if id(n["range"]) not in dead]
    if sheet.get("basicFilter") and id(sheet["basicFilter"]["range"]) in dead:
        del sheet["basicFilter"]
    del sheet.get(depth_key, [])[start:end]
