"""Sheets named ranges: addNamedRange / updateNamedRange / deleteNamedRange.

A named range is `{"namedRangeId", "name", "range": GridRange}` in the spreadsheet's
`namedRanges` (spreadsheets.get shows them); its name stands for its range in values
requests (`grid.resolve`). A name is 1-250 letters, digits and underscores, not starting with
a digit, not `true`/`false` and not an A1 or R1C1 reference; names are unique regardless of
case. A GridRange's bounds must lie inside the grid.
"""

from __future__ import annotations

import copy
import random
import re
from typing import Any

from sos_sync.emulator import grid
from sos_sync.emulator.grid import Invalid, Kind
from sos_sync.emulator.state import State

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,249}\Z")
_REFERENCE = re.compile(r"([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*)\Z")


def check_name(name: Any) -> str:
    """The name, or the 400 Google gives a name it does not accept."""
    text = str(name or "")
    if not _NAME.match(text) or text.casefold() in ("true", "false") or _REFERENCE.match(text):
        raise Invalid(
            f'The named range name "{text}" is not valid: use 1-250 letters, digits and '
            "underscores, not starting with a digit, and not a cell reference such as A1 or R1C1."
        )
    return text


def checked_range(book: dict[str, Any], span: dict[str, Any]) -> dict[str, Any]:
    """A GridRange with its sheet found and its bounds inside the grid (None fields dropped)."""
    sheet = grid.sheet_of(book, span)
    rows, cols = grid.size(sheet)
    out = {k: v for k, v in span.items() if v is not None}
    out["sheetId"] = sheet["properties"]["sheetId"]
    for start, end, limit in (
        ("startRowIndex", "endRowIndex", rows),
        ("startColumnIndex", "endColumnIndex", cols),
    ):
        low, high = int(out.get(start, 0)), int(out.get(end, limit))
        if not 0 <= low < high <= limit:
            raise Invalid(
                f"The range [{start}={low}, {end}={high}] is outside the grid of "
                f"{rows} rows and {cols} columns of sheet {out['sheetId']}."
            )
    return out


def _clash(book: dict[str, Any], name: str, skip: dict[str, Any] | None = None) -> None:
    for named in book.get("namedRanges", []):
        if named is not skip and named["name"].casefold() == name.casefold():
            raise Invalid(f'A named range with the name "{name}" already exists.')


def _find(book: dict[str, Any], named_range_id: Any) -> dict[str, Any]:
    for named in book.get("namedRanges", []):
        if named["namedRangeId"] == named_range_id:
            return named  # type: ignore[no-any-return]
    raise Invalid(f"No named range with id: {named_range_id}")


def _add(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    given = body.get("namedRange") or {}
    name = check_name(given.get("name"))
    _clash(book, name)
    named_id = given.get("namedRangeId")
    used = {n["namedRangeId"] for n in book.get("namedRanges", [])}
    if named_id in used:
        raise Invalid(f"A named range with id {named_id} already exists.")
    while not named_id or named_id in used:
        named_id = str(random.randint(1_000_000_000, 2_147_483_647))  # Google's look
    named = {
        "namedRangeId": named_id,
        "name": name,
        "range": checked_range(book, given.get("range") or {}),
    }
    book.setdefault("namedRanges", []).append(named)
    return {"addNamedRange": {"namedRange": copy.deepcopy(named)}}


def _update(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    given = body.get("namedRange") or {}
    mask = [p.strip() for p in str(body.get("fields") or "").split(",") if p.strip()]
    if not mask:
        raise Invalid("At least one field must be updated, 'fields' is empty")
    named = _find(book, given.get("namedRangeId"))
    if mask == ["*"]:
        mask = ["name", "range"]
    for path in mask:
        if path == "name":
            name = check_name(given.get("name"))
            _clash(book, name, skip=named)
            named["name"] = name
        elif path.split(".")[0] == "range":
            named["range"] = checked_range(book, given.get("range") or {})
        elif path != "namedRangeId":
            raise Invalid(f"Unknown field in 'fields': {path}")
    return {}


def _delete(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    named = _find(book, body.get("namedRangeId"))
    book["namedRanges"].remove(named)
    return {}


KINDS: dict[str, Kind] = {
    "addNamedRange": _add,
    "updateNamedRange": _update,
    "deleteNamedRange": _delete,
}
