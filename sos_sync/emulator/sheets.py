"""Sheets v4 spreadsheet HTTP handlers: get / create / batchUpdate, developer metadata search and get."""

from __future__ import annotations

from typing import Any

from sos_sync.emulator import fields, grid, proto_json
from sos_sync.emulator.drive_models import SHEET, register_file
from sos_sync.emulator.errors import ApiError
from sos_sync.emulator.request import Request
from sos_sync.emulator.sheets_batch import batch_update
from sos_sync.emulator.sheets_metadata import lookup_matches, public_metadata
from sos_sync.emulator.sheets_view import public_spreadsheet, trim_grid_data


def spreadsheets_get(req: Request) -> tuple[int, Any]:
    """GET /v4/spreadsheets/{id}"""
    book = grid.spreadsheet(req.state, req.param("spreadsheetId"))
    only: dict[int, list[grid.Resolved | None]] | None = None
    if req.args("ranges"):
        only = {}
        for text in req.args("ranges"):
            box = grid.resolve(book, text)
            box.check_inside()
            boxes = only.setdefault(box.sheet["properties"]["sheetId"], [])
            boxes.append(None if box.parsed.whole_sheet else box)
    reply = public_spreadsheet(book, _wants_grid(req), only)
    mask = req.arg("fields")
    if mask:
        reply = fields.apply(proto_json.omit_defaults(reply), fields.parse(mask))
        trim_grid_data(reply)
    return 200, reply


def _wants_grid(req: Request) -> bool:
    """Grid data or not: "includeGridData is ignored if a field mask was set"; a mask that
    selects `sheets.data` returns it."""
    mask = req.arg("fields")
    if not mask:
        return req.flag("includeGridData")
    tree = fields.parse(mask)
    if tree is None or "*" in tree or ("sheets" in tree and tree["sheets"] is None):
        return True
    sheets_tree = tree.get("sheets") or {}
    return "data" in sheets_tree or "*" in sheets_tree


def spreadsheets_create(req: Request) -> tuple[int, Any]:
    """POST /v4/spreadsheets"""
    body = req.json()
    spreadsheet_id = req.state.new_id(length=44)
    props = body.get("properties") or {}
    title = props.get("title") or "Untitled spreadsheet"
    titles = [
        ((s.get("properties") or {}).get("title") or f"Sheet{i + 1}")
        for i, s in enumerate(body.get("sheets") or [])
    ]
    locale = props.get("locale") or grid.API_LOCALE[0]
    zone = props.get("timeZone") or grid.API_LOCALE[1]
    book = grid.new_spreadsheet(req.state, spreadsheet_id, title, titles, locale, zone)
    register_file(req.state, spreadsheet_id, title, SHEET)
    return 200, public_spreadsheet(book)


def spreadsheets_batch_update(req: Request) -> tuple[int, Any]:
    """POST /v4/spreadsheets/{id}:batchUpdate (all-or-nothing)."""
    book = grid.spreadsheet(req.state, req.param("spreadsheetId"))
    reply = batch_update(req.state, book, req.json())
    if req.flag("includeSpreadsheetInResponse") or req.json().get("includeSpreadsheetInResponse"):
        reply["updatedSpreadsheet"] = public_spreadsheet(
            req.state.spreadsheets[book["spreadsheetId"]]
        )
    return 200, reply


def metadata_search(req: Request) -> tuple[int, Any]:
    """POST /v4/spreadsheets/{id}/developerMetadata:search"""
    book = grid.spreadsheet(req.state, req.param("spreadsheetId"))
    matched = []
    seen: set[int] = set()
    for data_filter in req.json().get("dataFilters") or []:
        lookup = data_filter.get("developerMetadataLookup")
        if lookup is None:
            raise ApiError(400, "Only developerMetadataLookup data filters are emulated.")
        for meta in lookup_matches(book, lookup):
            if meta["metadataId"] in seen:
                continue
            seen.add(meta["metadataId"])
            matched.append(
                {"developerMetadata": public_metadata(meta), "dataFilters": [data_filter]}
            )
    return 200, ({"matchedDeveloperMetadata": matched} if matched else {})


def metadata_get(req: Request) -> tuple[int, Any]:
    """GET /v4/spreadsheets/{id}/developerMetadata/{metadataId}"""
    book = grid.spreadsheet(req.state, req.param("spreadsheetId"))
    for meta in book.get("developerMetadata", []):
        if str(meta["metadataId"]) == req.param("metadataId"):
            return 200, public_metadata(meta)
    raise ApiError(404, f"No developer metadata with ID: {req.param('metadataId')}")


HANDLERS = {
    "sheets.spreadsheets.get": spreadsheets_get,
    "sheets.spreadsheets.create": spreadsheets_create,
    "sheets.spreadsheets.batchUpdate": spreadsheets_batch_update,
    "sheets.spreadsheets.developerMetadata.search": metadata_search,
    "sheets.spreadsheets.developerMetadata.get": metadata_get,
}
