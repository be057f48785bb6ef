"""Drive v3 HTTP handlers: files list (q, paging, shared drives) / get / create / update / delete / copy, uploads.

Spreadsheets and documents are Drive files too: creating one with a Google MIME type creates
the spreadsheet or document; uploading `text/html` (or `text/plain`) as a Google Doc imports
its text as paragraphs so Docs `documents.get` reads it back.
"""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

from sos_sync.emulator import grid
from sos_sync.emulator.doc_import import import_paragraphs
from sos_sync.emulator.docs_models import new_document
from sos_sync.emulator.drive_models import (
    DOC_MIME,
    FOLDER,
    ROOT_ID,
    SHEET,
    check_storage,
    drive_of,
    ensure_root,
    file_not_found,
    public_file,
    register_file,
)
from sos_sync.emulator.drive_query import compile_query
from sos_sync.emulator.errors import ApiError
from sos_sync.emulator.request import Request
from sos_sync.emulator.state import State, now_rfc3339

MAX_PROPERTY_BYTES = 124


def find_file(req: Request, file_id: str | None = None) -> dict[str, Any]:
    file_id = file_id or req.param("fileId")
    if file_id == "root":
        file_id = ROOT_ID
        ensure_root(req.state)
    entry = req.state.files.get(file_id)
    if entry is None:
        raise file_not_found(file_id)
    if entry.get("driveId") and not (
        req.flag("supportsAllDrives") or req.flag("supportsTeamDrives")
    ):
        raise file_not_found(file_id)  # shared-drive items are invisible without the flag
    return entry  # type: ignore[no-any-return]


def _check_parents(req: Request, parents: list[str]) -> list[str]:
    resolved = []
    for parent in parents:
        if parent == "root":
            parent = ROOT_ID
        if parent != ROOT_ID and parent not in req.state.drives:
            folder = find_file(req, parent)
            if folder["mimeType"] != FOLDER:
                raise ApiError(400, "The parent is not a folder.", reason="invalidParent")
        elif parent in req.state.drives and not req.flag("supportsAllDrives"):
            raise file_not_found(parent)
        resolved.append(parent)
    if len(resolved) > 1:
        raise ApiError(
            403, "Increasing the number of parents is not allowed.", reason="cannotAddParent"
        )
    return resolved


def _merge_props(target: dict[str, Any], changes: dict[str, Any] | None) -> None:
    for key, value in (changes or {}).items():
        if value is None:
            target.pop(key, None)
            continue
        if len(str(key).encode()) + len(str(value).encode()) > MAX_PROPERTY_BYTES:
            raise ApiError(
                400,
                f"The limit of {MAX_PROPERTY_BYTES} bytes for a property key and value has "
                f"been exceeded: {key}",
                reason="invalidProperty",
            )
        target[key] = str(value)


def _store_media(state: State, entry: dict[str, Any], media: bytes, media_type: str | None) -> None:
    if entry["mimeType"] == DOC_MIME:
        if media_type not in ("text/html", "text/plain", None):
            raise ApiError(
                400,
                f"Import of {media_type} into a Google Doc is not emulated.",
                reason="badContent",
            )
        doc = state.documents.get(entry["id"])
        paragraphs = import_paragraphs(media, media_type)
        if doc is None:
            new_document(state, entry["id"], entry["name"], paragraphs)
        else:
            doc["paragraphs"] = paragraphs
            doc["revision"] += 1
        entry["text"] = "\n".join(p["text"] for p in paragraphs)
    elif entry["mimeType"].startswith("application/vnd.google-apps."):
        raise ApiError(
            400, f"Uploading content into {entry['mimeType']} is not emulated.", reason="badContent"
        )
    else:
        entry["content"] = base64.b64encode(media).decode("ascii")
        entry["text"] = media.decode("utf-8", "replace")[:100_000]


# --------------------------------------------------------------------------------------------
# endpoints


def files_create(req: Request) -> tuple[int, Any]:
    """POST /drive/v3/files and /upload/drive/v3/files?uploadType=multipart|media"""
    body = req.json()
    parents = _check_parents(req, body.get("parents") or [ROOT_ID])
    mime = (
        body.get("mimeType")
        or (req.media_type if req.media is not None else None)
        or "application/octet-stream"
    )
    if mime != FOLDER:
        check_storage(req.state, parents)
    file_id = body.get("id") or req.state.new_id(length=33)
    if file_id in req.state.files:
        raise ApiError(409, "A file already exists with the provided ID.", reason="fileIdInUse")
    name = body.get("name") or "Untitled"
    entry = register_file(req.state, file_id, name, mime, parents)
    _merge_props(entry["appProperties"], body.get("appProperties"))
    _merge_props(entry["properties"], body.get("properties"))
    for key in ("description", "starred"):
        if body.get(key) is not None:
            entry[key] = body[key]
    if mime == SHEET:
        grid.new_spreadsheet(req.state, file_id, name, [], *grid.API_LOCALE)
    elif mime == DOC_MIME and req.media is None:
        new_document(req.state, file_id, name)
    if req.media is not None:
        _store_media(req.state, entry, req.media, req.media_type)
    return 200, public_file(entry, bool(req.arg("fields")))


def files_get(req: Request) -> tuple[int, Any]:
    """GET /drive/v3/files/{fileId}"""
    if req.arg("alt") == "media":
        raise ApiError(400, "Downloads (alt=media) are not emulated.", reason="badRequest")
    return 200, public_file(find_file(req), bool(req.arg("fields")))


def files_update(req: Request) -> tuple[int, Any]:
    """PATCH /drive/v3/files/{fileId} (metadata) and /upload/drive/v3/files/{fileId} (media)."""
    entry = find_file(req)
    body = req.json()
    if body.get("mimeType") and body["mimeType"] != entry["mimeType"]:
        raise ApiError(
            403, "The mimeType of a Google file cannot be changed.", reason="fieldNotWritable"
        )
    if body.get("name") is not None:
        entry["name"] = body["name"]
        if entry["id"] in req.state.spreadsheets:
            req.state.spreadsheets[entry["id"]]["properties"]["title"] = body["name"]
        if entry["id"] in req.state.documents:
            req.state.documents[entry["id"]]["title"] = body["name"]
    _merge_props(entry["appProperties"], body.get("appProperties"))
    _merge_props(entry["properties"], body.get("properties"))
    for key in ("description", "starred", "trashed"):
        if body.get(key) is not None:
            entry[key] = body[key]
    removes = [p for p in (req.arg("removeParents") or "").split(",") if p]
    adds = [p for p in (req.arg("addParents") or "").split(",") if p]
    if adds or removes:
        parents = [p for p in entry["parents"] if p not in removes]
        parents += [p for p in _check_parents(req, adds) if p not in parents]
        if len(parents) > 1:
            raise ApiError(
                403, "Increasing the number of parents is not allowed.", reason="cannotAddParent"
            )
        entry["parents"] = parents
        shared = drive_of(req.state, parents)
        if shared:
            entry["driveId"] = shared
        else:
            entry.pop("driveId", None)
    if req.media is not None:
        _store_media(req.state, entry, req.media, req.media_type)
    entry["modifiedTime"] = now_rfc3339()
    entry["version"] = str(int(entry["version"]) + 1)
    return 200, public_file(entry, bool(req.arg("fields")))


def _remove(state: State, file_id: str) -> None:
    for child_id in [fid for fid, f in state.files.items() if file_id in f.get("parents", [])]:
        _remove(state, child_id)
    state.files.pop(file_id, None)
    state.spreadsheets.pop(file_id, None)
    state.documents.pop(file_id, None)


def files_delete(req: Request) -> tuple[int, Any]:
    """DELETE /drive/v3/files/{fileId} (permanent; a folder takes its contents with it)."""
    _remove(req.state, find_file(req)["id"])
    return 204, None


def files_copy(req: Request) -> tuple[int, Any]:
    """POST /drive/v3/files/{fileId}/copy"""
    source = find_file(req)
    body = req.json()
    if source["mimeType"] == FOLDER:
        raise ApiError(403, "This file cannot be copied by the user.", reason="cannotCopyFile")
    parents = _check_parents(req, body.get("parents") or list(source["parents"]))
    check_storage(req.state, parents)
    new_id = req.state.new_id(length=44)
    name = body.get("name") or f"Copy of {source['name']}"
    app_props = dict(source.get("appProperties") or {})
    entry = register_file(req.state, new_id, name, source["mimeType"], parents, app_props)
    _merge_props(entry["appProperties"], body.get("appProperties"))
    _merge_props(
        entry["properties"], {**source.get("properties", {}), **(body.get("properties") or {})}
    )
    for key in ("content", "text", "description"):
        if key in source:
            entry[key] = source[key]
    if source["id"] in req.state.spreadsheets:
        book = copy.deepcopy(req.state.spreadsheets[source["id"]])
        book["spreadsheetId"] = new_id
        book["properties"]["title"] = name
        book["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{new_id}/edit"
        req.state.spreadsheets[new_id] = book
    if source["id"] in req.state.documents:
        doc = copy.deepcopy(req.state.documents[source["id"]])
        doc.update({"documentId": new_id, "title": name, "revision": 1})
        req.state.documents[new_id] = doc
    return 200, public_file(entry, bool(req.arg("fields")))


def _page(token: str | None, query_key: str) -> int:
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        if data["q"] != query_key:
            raise ValueError("token for another query")
        return int(data["o"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ApiError(400, "Invalid Value", reason="invalid", location="pageToken") from exc


def page_token(offset: int, query_key: str) -> str:
    """An opaque token for the next page of the same query."""
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "q": query_key}).encode()).decode()


def _sort_key(order: str) -> list[tuple[str, bool]]:
    keys = []
    for part in order.split(","):
        words = part.split()
        if not words:
            continue
        field = {"name_natural": "name", "folder": "mimeType", "recency": "modifiedTime"}.get(
            words[0], words[0]
        )
        keys.append((field, len(words) > 1 and words[1].lower() == "desc"))
    return keys


def files_list(req: Request) -> tuple[int, Any]:
    """GET /drive/v3/files?q=...&pageSize=...&pageToken=..."""
    size = req.integer("pageSize", 100)
    if not 1 <= size <= 1000:
        raise ApiError(
            400,
            f"Invalid value '{size}'. Values must be within the range: [1, 1000]",
            reason="invalid",
            location="pageSize",
        )
    corpora = req.arg("corpora") or "user"
    drive_id = req.arg("driveId") or req.arg("teamDriveId")
    all_drives = req.flag("includeItemsFromAllDrives") or req.flag("includeTeamDriveItems")
    if (corpora == "drive") != bool(drive_id):
        raise ApiError(
            400,
            "The driveId parameter must be specified if and only if corpora is set to drive.",
            reason="invalid",
            location="driveId",
        )
    if drive_id and not (all_drives and req.flag("supportsAllDrives")):
        raise ApiError(
            403,
            "The includeItemsFromAllDrives and supportsAllDrives parameters must be "
            "set to true when driveId is set.",
            reason="teamDrivesParameterRequired",
        )
    if drive_id and drive_id not in req.state.drives:
        raise ApiError(
            404, f"Shared drive not found: {drive_id}", reason="notFound", location="driveId"
        )
    predicate = compile_query(req.arg("q") or "")
    found = []
    for entry in req.state.files.values():
        if entry["id"] == ROOT_ID:
            continue  # My Drive itself is never listed
        in_drive = entry.get("driveId")
        if drive_id and in_drive != drive_id:
            continue
        if in_drive and not all_drives:
            continue
        view = dict(entry)
        if ROOT_ID in entry.get("parents", []):
            view["parents"] = [*entry["parents"], "root"]  # 'root' in parents works too
        if predicate(view):
            found.append(entry)
    order = req.arg("orderBy")
    if order:
        for field, desc in reversed(_sort_key(order)):

            def sort_value(entry: dict[str, Any], key: str = field) -> str:
                return str(entry.get(key, "")).lower()

            found.sort(key=sort_value, reverse=desc)
    query_key = f"{req.arg('q')}|{drive_id}|{order}"
    offset = _page(req.arg("pageToken"), query_key)
    chunk = found[offset : offset + size]
    full = bool(req.arg("fields"))
    reply: dict[str, Any] = {
        "kind": "drive#fileList",
        "incompleteSearch": False,
        "files": [public_file(e, full) for e in chunk],
    }
    if offset + size < len(found):
        reply["nextPageToken"] = page_token(offset + size, query_key)
    return 200, reply


HANDLERS = {
    "drive.files.list": files_list,
    "drive.files.get": files_get,
    "drive.files.create": files_create,
    "drive.files.update": files_update,
    "drive.files.delete": files_delete,
    "drive.files.copy": files_copy,
}
