"""Sheets `spreadsheets:batchUpdate`: structural requests, applied in order and all-or-nothing.

Each request object must name exactly one kind. A failing request answers
`400 Invalid requests[i].<kind>: ...` and leaves the spreadsheet as it was.
"""

from __future__ import annotations

import copy
from typing import Any

from sos_sync.emulator import (
    grid,
    sheets_cells,
    sheets_layout,
    sheets_metadata,
    sheets_named,
    sheets_ranges,
    sheets_tabs,
)
from sos_sync.emulator.errors import ApiError
from sos_sync.emulator.grid import Invalid, Kind
from sos_sync.emulator.state import State

#: Accepted and answered with `{}`: formatting only, nothing the product reads back.
NO_OPS = frozenset(
    {
        "repeatCell",
        "updateBorders",
        "autoResizeDimensions",
        "updateDimensionProperties",
        "formatCells",
        "updateCellsFormat",
    }
)


def _no_op(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    return {}


KINDS: dict[str, Kind] = {
    **sheets_tabs.KINDS,
    **sheets_metadata.KINDS,
    **sheets_ranges.KINDS,
    **sheets_named.KINDS,
    **sheets_layout.KINDS,
    **sheets_cells.KINDS,
    **{name: _no_op for name in NO_OPS},
}


def _camel(value: Any) -> Any:
    """snake_case field names as Google's JSON parser accepts them (`add_sheet` -> `addSheet`)."""
    if isinstance(value, list):
        return [_camel(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        head, *rest = str(key).split("_")
        out[head + "".join(w[:1].upper() + w[1:] for w in rest)] = _camel(item)
    return out


def requests_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The request list, read as leniently as Google does: one object, nested lists, snake_case."""
    found: list[dict[str, Any]] = []

    def walk(item: Any) -> None:
        if isinstance(item, list):
            for inner in item:
                walk(inner)
        elif isinstance(item, dict):
            found.append(_camel(item))
        else:
            raise ApiError(
                400,
                f"Invalid value at 'requests' (type.googleapis.com/google.apps.sheets.v4.Request), \"{item}\"",
            )

    walk(body.get("requests") or [])
    return found


def batch_update(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Apply every request to a copy; swap it in only when all succeed."""
    work = copy.deepcopy(book)
    replies = []
    for i, request in enumerate(requests_of(body)):
        present = [k for k, v in request.items() if v is not None]
        if len(present) != 1:
            raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request must be set.")
        kind = present[0]
        handler = KINDS.get(kind)
        if handler is None:
            raise ApiError(400, f"Invalid requests[{i}].{kind}: not supported by the emulator.")
        try:
            replies.append(handler(state, work, request[kind]))
            grid.check_cell_limit(work)
        except Invalid as exc:
            raise ApiError(400, f"Invalid requests[{i}].{kind}: {exc}") from exc
        except ApiError as exc:
            raise ApiError(400, f"Invalid requests[{i}].{kind}: {exc.message}") from exc
    state.spreadsheets[book["spreadsheetId"]] = work
    entry = state.files.get(book["spreadsheetId"])
    if entry is not None:  # Drive shows a renamed spreadsheet's new title
        entry["name"] = work["properties"].get("title", entry["name"])
    reply: dict[str, Any] = {"spreadsheetId": book["spreadsheetId"]}
    if replies:
        reply["replies"] = replies
    return reply
