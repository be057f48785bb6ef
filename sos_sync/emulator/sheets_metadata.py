"""Sheets developer metadata: where it sits, how a lookup finds it, and its three batchUpdate requests."""

from __future__ import annotations

import copy
import random
from typing import Any

from sos_sync.emulator import grid
from sos_sync.emulator.grid import Invalid, Kind, set_path
from sos_sync.emulator.state import State


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
                    set_path(meta, changes, path.replace("/", ".").split("."))
            updated.append(public_metadata(meta))
    return {"updateDeveloperMetadata": {"developerMetadata": updated} if updated else {}}


KINDS: dict[str, Kind] = {
    "createDeveloperMetadata": _create_metadata,
    "deleteDeveloperMetadata": _delete_metadata,
    "updateDeveloperMetadata": _update_metadata,
}
