"""Drive v3 model: file entries, where they live, what a service account may store, how a file shows."""

from __future__ import annotations

import base64
import copy
import time
from typing import Any

from sos_sync.emulator.errors import ApiError
from sos_sync.emulator.state import State, now_rfc3339

FOLDER = "application/vnd.google-apps.folder"
DOC_MIME = "application/vnd.google-apps.document"
SHEET = "application/vnd.google-apps.spreadsheet"
ROOT_ID = "0AEmulatorMyDriveRootUk9PVA"
ME = "owner@emulator.test"
_DEFAULT = ("kind", "id", "name", "mimeType")


def file_not_found(file_id: str) -> ApiError:
    """Drive's 404."""
    return ApiError(404, f"File not found: {file_id}.", reason="notFound", location="fileId")


def _link(file_id: str, mime: str) -> str:
    if mime == DOC_MIME:
        return f"https://docs.google.com/document/d/{file_id}/edit?usp=drivesdk"
    if mime == SHEET:
        return f"https://docs.google.com/spreadsheets/d/{file_id}/edit?usp=drivesdk"
    if mime == FOLDER:
        return f"https://drive.google.com/drive/folders/{file_id}"
    return f"https://drive.google.com/file/d/{file_id}/view?usp=drivesdk"


def drive_of(state: State, parents: list[str]) -> str | None:
    """The shared drive a file with these parents lives in (None: My Drive)."""
    for parent in parents:
        if parent in state.drives:
            return parent
        entry = state.files.get(parent)
        if entry and entry.get("driveId"):
            return str(entry["driveId"])
    return None


def register_file(
    state: State,
    file_id: str,
    name: str,
    mime: str,
    parents: list[str] | None = None,
    app_properties: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Add a Drive entry (used by admin seeding, Sheets create and Docs create too)."""
    stamp = now_rfc3339()
    parents = parents or [ROOT_ID]
    entry: dict[str, Any] = {
        "kind": "drive#file",
        "id": file_id,
        "name": name,
        "mimeType": mime,
        "parents": parents,
        "trashed": False,
        "starred": False,
        "createdTime": stamp,
        "modifiedTime": stamp,
        "version": "1",
        "webViewLink": _link(file_id, mime),
        "appProperties": dict(app_properties or {}),
        "properties": {},
        "permissions": [
            {
                "kind": "drive#permission",
                "id": "owner",
                "type": "user",
                "role": "owner",
                "emailAddress": ME,
            }
        ],
    }
    shared = drive_of(state, parents)
    if shared:
        entry["driveId"] = shared
    state.files[file_id] = entry
    return entry


def check_storage(state: State, parents: list[str] | None) -> None:
    """A service account owns no storage: new files must go into a shared drive."""
    if state.settings.get("serviceAccount") and not drive_of(state, parents or []):
        raise ApiError(
            403,
            "Service Accounts do not have storage quota. Leverage shared drives "
            "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use "
            "OAuth delegation (http://support.google.com/a/answer/7281227) instead.",
            reason="storageQuotaExceeded",
            domain="usageLimits",
        )


def public_file(entry: dict[str, Any], full: bool) -> dict[str, Any]:
    """The file resource: all fields when `fields` is given, else Drive's default four."""
    hidden = ("content", "text", "permissions", "private")
    visible = {k: v for k, v in entry.items() if k not in hidden}
    if not visible.get("appProperties"):
        visible.pop("appProperties", None)
    if not visible.get("properties"):
        visible.pop("properties", None)
    if full:
        visible["permissions"] = copy.deepcopy(entry.get("permissions", []))
        if "content" in entry:
            visible["size"] = str(len(base64.b64decode(entry["content"])))
        if not entry.get("driveId"):
            visible["owners"] = [{"kind": "drive#user", "emailAddress": ME, "me": True}]
        return visible
    return {k: visible[k] for k in _DEFAULT if k in visible}


def touch_file(state: State, file_id: str) -> None:
    """A change to a file's content: new modifiedTime, next version."""
    entry = state.files.get(file_id)
    if entry is not None:
        entry["modifiedTime"] = now_rfc3339()
        entry["version"] = str(int(entry.get("version", "1")) + 1)


def ensure_root(state: State) -> dict[str, Any]:
    """My Drive's root folder (the `root` alias), made on first use."""
    if ROOT_ID not in state.files:
        entry = register_file(state, ROOT_ID, "My Drive", FOLDER, parents=[])
        entry["parents"] = []
    return state.files[ROOT_ID]  # type: ignore[no-any-return]


def invisible_change(state: State, file_id: str, modified: bool = False) -> dict[str, Any]:
    """A change Google makes without a person seeing it (a comment resolved, a permission, a
    viewer's cursor): the version moves, the content does not; `modified`: so does
    `modifiedTime` (a change that touches the file but not its text)."""
    entry = state.files[file_id]
    entry["version"] = str(int(entry.get("version", "1")) + 1)
    if modified:
        stamp = now_rfc3339()
        while stamp == entry.get("modifiedTime"):  # a new time, even within the millisecond
            time.sleep(0.001)
            stamp = now_rfc3339()
        entry["modifiedTime"] = stamp
    return entry  # type: ignore[no-any-return]
