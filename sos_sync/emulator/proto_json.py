"""Google's JSON for proto3 APIs (Sheets, Forms): fields holding their default value are left out.

Google omits a field whose value is 0, false, an empty string or an empty list: a
protected range's `warningOnly: false` and empty `description`, a GridRange's
`sheetId: 0` and `startRowIndex: 0`, a grid's `frozenRowCount: 0`, an empty `values`.
Some fields have presence and are printed even at 0: a sheet's own `sheetId` and `index`
(SheetProperties; gspread relies on both), the members of a oneof (a cell's
`numberValue: 0`, `stringValue: ""`, `boolValue: false`) and a metadata location's
`sheetId`; so are the bounds of a merge, a named range, a dimension group and a basic filter
(gspread's `combine_merged_cells` reads `startColumnIndex: 0`), but not their `sheetId: 0`.
Elements of a list are never dropped (`replies: [{}]`, a row's `""` cells).
"""

from __future__ import annotations

from typing import Any

ONEOF_KEYS = frozenset({"numberValue", "stringValue", "boolValue", "formulaValue", "errorValue"})
PRESENT_KEYS = frozenset({"sheetId", "index"})  # printed at 0 unless inside a range
#: Ranges Google prints with their bounds even at 0 (a merge, a named range, a group, a basic
#: filter: set bounds have presence); only their `sheetId: 0` is left out.
EXPLICIT_BOUNDS = frozenset(
    {
        "merges",
        "namedRanges",
        "namedRange",
        "rowGroups",
        "columnGroups",
        "dimensionGroups",
        "basicFilter",
    }
)
BOUND_KEYS = frozenset(
    {"startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex", "startIndex", "endIndex"}
)
RANGE_PARENTS = frozenset(
    {"range", "ranges", "dimensionRange", "gridRange", "source", "merges", "destination"}
)


def _is_default(value: Any) -> bool:
    if isinstance(value, bool):
        return value is False
    if isinstance(value, (int, float)):
        return value == 0
    return bool(value == "" or value == [])


def omit_defaults(value: Any, parent: str = "", explicit: bool = False) -> Any:
    """A copy of `value` as Google prints it: default-valued fields left out."""
    if isinstance(value, list):
        return [omit_defaults(item, parent, explicit) for item in value]
    if not isinstance(value, dict):
        return value
    in_range = parent in RANGE_PARENTS
    explicit = explicit or parent in EXPLICIT_BOUNDS
    out: dict[str, Any] = {}
    for key, item in value.items():
        keep = (
            key in ONEOF_KEYS
            or (key in PRESENT_KEYS and not in_range)
            or (explicit and key in BOUND_KEYS)
        )
        if not keep and _is_default(item):
            continue
        out[key] = omit_defaults(item, key, explicit)
    return out
