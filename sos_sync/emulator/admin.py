"""The admin API under `/_emulator/`: seed the world, read statistics, set faults, reset.

| method + path | body | answer |
|---|---|---|
| GET /_emulator/health | - | `{"ok": true}` |
| POST /_emulator/reset | - | empties the world, faults, statistics |
| GET /_emulator/state | - | the whole world (debugging) |
| POST /_emulator/settings | `{"serviceAccount": bool, "quotas": {api: per window}, "quotaWindowSeconds": 60}` | settings |
| POST /_emulator/spreadsheets | `{spreadsheetId?, title, sheets?: [titles], parents?, locale?, timeZone?}` (a lead's sheet: en_GB / Europe/London unless given) | Spreadsheet |
| POST /_emulator/forms | `{formId?, title, items: [{title, kind, questionId?, options?}]}` | Form |
| POST /_emulator/forms/{id}/responses | `{"responses": [...]}` (bulk) or `{responseId?, answers: {qid or title: str or [str]}, respondentEmail?, lastSubmittedTime?}` | FormResponse |
| PATCH /_emulator/forms/{id}/responses/{rid} | `{answers?, lastSubmittedTime?}` | FormResponse (newer lastSubmittedTime) |
| DELETE /_emulator/forms/{id}/responses/{rid} | - | 204 |
| POST /_emulator/calendars | `{id, summary?, timeZone?}` | calendar |
| GET /_emulator/calendars/{id}/notifications | - | invitation e-mails Google would have sent |
| POST /_emulator/drive/folders | `{id?, name, parents?}` | File |
| POST /_emulator/drive/files/{id}/invisible-change | `{"modifiedTime": bool}` | File (its `version` moved, and `modifiedTime` when asked; never its content) |
| POST /_emulator/drive/files/{id}/private | `{"private": bool}` | File (private: Sheets answers 403) |
| POST /_emulator/drive/shared-drives | `{id?, name}` | Drive |
| GET /_emulator/stats, POST /_emulator/stats/reset, GET /_emulator/log?since=N | - | counters / log |
| GET, POST, DELETE /_emulator/faults | a fault rule (see `faults.Fault`) | rules |
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

from sos_sync.emulator import calendar_models, forms, grid
from sos_sync.emulator import drive_models as drive
from sos_sync.emulator.core import Core
from sos_sync.emulator.sheets_view import public_spreadsheet

Reply = tuple[int, Any]


class AdminError(Exception):
    """A bad admin request."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def handle(
    server: Core, method: str, raw_path: str, query: dict[str, list[str]], body: bytes
) -> Reply:
    """Answer one admin request."""
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        return 400, {"error": "admin bodies are JSON"}
    path = [unquote(p) for p in raw_path.split("/")[2:] if p]
    try:
        with server.state.lock:
            reply = _dispatch(server, method, path, query, payload)
            if method != "GET":
                server.state.save()
            return reply
    except AdminError as exc:
        return exc.code, {"error": str(exc)}
    except (ValueError, TypeError) as exc:
        return 400, {"error": str(exc)}
    except KeyError as exc:
        return 404, {"error": f"not found: {exc}"}


def _dispatch(
    server: Core,
    method: str,
    path: list[str],
    query: dict[str, list[str]],
    body: dict[str, Any],
) -> Reply:
    state = server.state
    route = "/".join(path)
    if route == "health":
        return 200, {"ok": True}
    if route == "reset" and method == "POST":
        state.reset()
        server.faults.clear()
        server.stats.reset()
        server.quotas.reset()
        return 200, {"ok": True}
    if route == "state" and method == "GET":
        return 200, state.data
    if route == "settings":
        if method == "POST":
            unknown = set(body) - set(state.settings)
            if unknown:
                raise AdminError(400, f"unknown settings: {sorted(unknown)}")
            state.settings.update(body)
            server.quotas.reset()
        return 200, state.settings
    if route == "spreadsheets" and method == "POST":
        return 200, _spreadsheet(state, body)
    if route == "forms" and method == "POST":
        return 200, forms.public_form(forms.build_form(state, body))
    found = re.fullmatch(r"forms/([^/]+)/responses", route)
    if found and method == "POST":
        if "responses" in body:  # bulk: {"responses": [response, ...]}
            added = [forms.add_response(state, found.group(1), item) for item in body["responses"]]
            return 200, {"responses": added}
        return 200, forms.add_response(state, found.group(1), body)
    found = re.fullmatch(r"forms/([^/]+)/responses/([^/]+)", route)
    if found:
        form_id, response_id = found.groups()
        if method in ("PATCH", "PUT"):
            return 200, forms.edit_response(state, form_id, response_id, body)
        if method == "DELETE":
            form = state.forms[form_id]
            del form["responses"][response_id]
            return 204, None
    if route == "calendars" and method == "POST":
        if not body.get("id"):
            raise AdminError(400, "a calendar needs an id")
        if body["id"] in state.calendars:
            raise AdminError(409, f"calendar {body['id']} exists")
        new = calendar_models.new_calendar(
            state,
            body["id"],
            body.get("summary", body["id"]),
            body.get("timeZone", "Europe/London"),
        )
        return 200, {k: v for k, v in new.items() if k != "events"}
    found = re.fullmatch(r"calendars/([^/]+)/notifications", route)
    if found and method == "GET":
        return 200, {"notifications": state.calendars[found.group(1)]["notifications"]}
    if route == "drive/folders" and method == "POST":
        return 200, _folder(state, body)
    found = re.fullmatch(r"drive/files/([^/]+)/(invisible-change|private)", route)
    if found and method == "POST":
        return 200, _file_hook(state, found.group(1), found.group(2), body)
    if route == "drive/shared-drives" and method == "POST":
        drive_id = body.get("id") or state.new_id("0A", 19)
        state.drives[drive_id] = {
            "kind": "drive#drive",
            "id": drive_id,
            "name": body.get("name", drive_id),
        }
        return 200, state.drives[drive_id]
    if route == "stats" and method == "GET":
        return 200, server.stats.snapshot()
    if route == "stats/reset" and method == "POST":
        server.stats.reset()
        return 200, {"ok": True}
    if route == "log" and method == "GET":
        since = int((query.get("since") or ["0"])[0])
        return 200, {"requests": server.stats.log(since)}
    if route == "faults":
        if method == "POST":
            return 200, server.faults.add(body).to_json()
        if method == "DELETE":
            server.faults.clear()
            return 200, {"faults": []}
        return 200, {"faults": server.faults.list()}
    raise AdminError(404, f"no admin route {method} /_emulator/{route}")


def _spreadsheet(state: Any, body: dict[str, Any]) -> dict[str, Any]:
    spreadsheet_id = body.get("spreadsheetId") or body.get("id") or state.new_id(length=44)
    if spreadsheet_id in state.spreadsheets:
        raise AdminError(409, f"spreadsheet {spreadsheet_id} exists")
    title = body.get("title") or "Untitled spreadsheet"
    book = grid.new_spreadsheet(
        state,
        spreadsheet_id,
        title,
        list(body.get("sheets") or []),
        body.get("locale") or "en_GB",
        body.get("timeZone") or "Europe/London",
    )
    drive.register_file(state, spreadsheet_id, title, drive.SHEET, body.get("parents"))
    return public_spreadsheet(book)


def _folder(state: Any, body: dict[str, Any]) -> dict[str, Any]:
    folder_id = body.get("id") or state.new_id(length=33)
    if folder_id in state.files:
        raise AdminError(409, f"file {folder_id} exists")
    parents = body.get("parents") or None
    for parent in parents or []:
        if parent not in state.files and parent not in state.drives and parent != drive.ROOT_ID:
            raise AdminError(404, f"parent {parent} not found")
    entry = drive.register_file(state, folder_id, body.get("name", "Folder"), drive.FOLDER, parents)
    return drive.public_file(entry, True)


def _file_hook(state: Any, file_id: str, hook: str, body: dict[str, Any]) -> dict[str, Any]:
    if file_id not in state.files:
        raise AdminError(404, f"file {file_id} not found")
    if hook == "invisible-change":
        entry = drive.invisible_change(state, file_id, bool(body.get("modifiedTime")))
    else:
        entry = state.files[file_id]
        entry["private"] = bool(body.get("private", True))
    return drive.public_file(entry, True)
