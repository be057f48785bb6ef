"""Sheets batchUpdate requests on a sheet's layout: merges, the basic filter, dimension groups.

- mergeCells (MERGE_ALL / MERGE_COLUMNS / MERGE_ROWS) keeps the top-left value of each merge
  and clears the others, as Sheets does; a merge may not overlap another one. unmergeCells
  removes every merge inside its range and refuses a range that cuts through one.
- setBasicFilter replaces the sheet's filter (a range with only a sheetId is the whole grid);
  clearBasicFilter removes it.
- Dimension groups follow Google's rules by keeping, per row or column, how many groups
  cover it: adding a group over a range raises that depth by one, deleting lowers it, and
  the groups shown are the maximal runs at each depth (so a superset, a subset and a partial
  overlap give exactly the groups the API reference describes). At most 8 levels.
"""

from __future__ import annotations

from typing import Any

from sos_sync.emulator import grid
from sos_sync.emulator.grid import Invalid, Kind
from sos_sync.emulator.sheets_named import checked_range
from sos_sync.emulator.state import State

MAX_GROUP_DEPTH = 8
_DEPTHS = {"ROWS": "rowDepths", "COLUMNS": "columnDepths"}


def _box(span: dict[str, Any]) -> tuple[int, int, int, int]:
    return (
        int(span.get("startRowIndex", 0)),
        int(span["endRowIndex"]),
        int(span.get("startColumnIndex", 0)),
        int(span["endColumnIndex"]),
    )


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ar0, ar1, ac0, ac1 = _box(a)
    br0, br1, bc0, bc1 = _box(b)
    return ar0 < br1 and br0 < ar1 and ac0 < bc1 and bc0 < ac1


def _inside(inner: dict[str, Any], outer: dict[str, Any]) -> bool:
    ir0, ir1, ic0, ic1 = _box(inner)
    or0, or1, oc0, oc1 = _box(outer)
    return or0 <= ir0 and ir1 <= or1 and oc0 <= ic0 and ic1 <= oc1


def full_range(book: dict[str, Any], span: dict[str, Any]) -> dict[str, Any]:
    """The GridRange with every bound filled in (open ends run to the grid's edge)."""
    checked = checked_range(book, span)
    rows, cols = grid.size(grid.sheet_of(book, checked))
    return {
        "sheetId": checked["sheetId"],
        "startRowIndex": int(checked.get("startRowIndex", 0)),
        "endRowIndex": int(checked.get("endRowIndex", rows)),
        "startColumnIndex": int(checked.get("startColumnIndex", 0)),
        "endColumnIndex": int(checked.get("endColumnIndex", cols)),
    }


def _pieces(span: dict[str, Any], merge_type: str) -> list[dict[str, Any]]:
    r0, r1, c0, c1 = _box(span)
    if merge_type == "MERGE_ROWS":
        return [{**span, "startRowIndex": r, "endRowIndex": r + 1} for r in range(r0, r1)]
    if merge_type == "MERGE_COLUMNS":
        return [{**span, "startColumnIndex": c, "endColumnIndex": c + 1} for c in range(c0, c1)]
    return [span]


def _merge(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    span = full_range(book, body.get("range") or {})
    sheet = grid.sheet_of(book, span)
    merges = sheet.setdefault("merges", [])
    for piece in _pieces(span, body.get("mergeType") or "MERGE_ALL"):
        r0, r1, c0, c1 = _box(piece)
        if (r1 - r0) * (c1 - c0) < 2:
            continue  # one cell is not a merge
        if any(_overlaps(piece, other) for other in merges):
            raise Invalid("You can't create a merge which overlaps with an existing merge.")
        for r in range(r0, r1):
            for c in range(c0, c1):
                if (r, c) != (r0, c0):
                    grid.put_value(sheet, r, c, None)  # only the top-left value stays
        merges.append(piece)
    return {}


def _unmerge(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    span = full_range(book, body.get("range") or {})
    sheet = grid.sheet_of(book, span)
    merges = sheet.get("merges", [])
    for other in merges:
        if _overlaps(span, other) and not _inside(other, span):
            raise Invalid("The range must not partially span a merge; include the whole merge.")
    sheet["merges"] = [m for m in merges if not _inside(m, span)]
    return {}


def _set_filter(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    given = dict(body.get("filter") or {})
    given["range"] = full_range(book, given.get("range") or {})
    sheet = grid.sheet_of(book, given["range"])
    sheet["basicFilter"] = {k: v for k, v in given.items() if v is not None}
    return {}


def _clear_filter(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    sheet = grid.sheet_of(book, {"sheetId": body.get("sheetId", 0)})
    sheet.pop("basicFilter", None)
    return {}


def _depths(
    book: dict[str, Any], span: dict[str, Any]
) -> tuple[dict[str, Any], list[int], int, int]:
    """The sheet, its depth list for the range's dimension, and the range's bounds."""
    sheet = grid.sheet_of(book, span)
    dimension = span.get("dimension")
    if dimension not in _DEPTHS:
        raise Invalid("range.dimension must be ROWS or COLUMNS")
    rows, cols = grid.size(sheet)
    limit = rows if dimension == "ROWS" else cols
    start, end = int(span.get("startIndex", 0)), int(span.get("endIndex", limit))
    if not 0 <= start < end <= limit:
        raise Invalid(f"Invalid range [{start}, {end}) for a sheet of {limit} {dimension.lower()}.")
    depths: list[int] = sheet.setdefault(_DEPTHS[dimension], [])
    depths.extend([0] * (end - len(depths)))
    return sheet, depths, start, end


def groups(sheet: dict[str, Any], dimension: str) -> list[dict[str, Any]]:
    """The sheet's dimension groups as spreadsheets.get shows them (by depth, then start)."""
    depths = sheet.get(_DEPTHS[dimension], [])
    out = []
    for depth in range(1, max(depths, default=0) + 1):
        start = None
        for index, value in enumerate([*depths, 0]):
            if value >= depth and start is None:
                start = index
            elif value < depth and start is not None:
                span = {
                    "sheetId": sheet["properties"]["sheetId"],
                    "dimension": dimension,
                    "startIndex": start,
                    "endIndex": index,
                }
                out.append({"range": span, "depth": depth})
                start = None
    return out


def _add_group(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    span = body.get("range") or {}
    sheet, depths, start, end = _depths(book, span)
    for index in range(start, end):
        depths[index] += 1
    if max(depths[start:end]) > MAX_GROUP_DEPTH:
        raise Invalid(f"Groups cannot be nested more than {MAX_GROUP_DEPTH} levels deep.")
    return {"addDimensionGroup": {"dimensionGroups": groups(sheet, span["dimension"])}}


def _delete_group(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    span = body.get("range") or {}
    sheet, depths, start, end = _depths(book, span)
    if min(depths[start:end]) < 1:
        raise Invalid(f"There is no group over the whole range [{start}, {end}).")
    for index in range(start, end):
        depths[index] -= 1
    found = groups(sheet, span["dimension"])
    return {"deleteDimensionGroup": {"dimensionGroups": found} if found else {}}


KINDS: dict[str, Kind] = {
    "mergeCells": _merge,
    "unmergeCells": _unmerge,
    "setBasicFilter": _set_filter,
    "clearBasicFilter": _clear_filter,
    "addDimensionGroup": _add_group,
    "deleteDimensionGroup": _delete_group,
}
