"""Drive v3 sharing and drives: permissions create/list/get/delete, comments, shared drives, about."""

from __future__ import annotations

from typing import Any

from sos_sync.emulator.drive import find_file
from sos_sync.emulator.drive_models import DOC_MIME, ME
from sos_sync.emulator.errors import ApiError
from sos_sync.emulator.request import Request

_ROLES = {"owner", "organizer", "fileOrganizer", "writer", "commenter", "reader"}
_TYPES = {"user", "group", "domain", "anyone"}


def _public_permission(perm: dict[str, Any], full: bool) -> dict[str, Any]:
    if full:
        return dict(perm)
    return {k: perm[k] for k in ("kind", "id", "type", "role") if k in perm}


def permissions_create(req: Request) -> tuple[int, Any]:
    """POST /drive/v3/files/{fileId}/permissions"""
    entry = find_file(req)
    body = req.json()
    kind, role = body.get("type"), body.get("role")
    if kind not in _TYPES:
        raise ApiError(
            400,
            "The permission type field is required.",
            reason="required",
            location="permission.type",
        )
    if role not in _ROLES:
        raise ApiError(
            400,
            "The permission role field is required.",
            reason="required",
            location="permission.role",
        )
    if kind in ("user", "group") and not body.get("emailAddress"):
        raise ApiError(
            400,
            "The permission emailAddress field is required for user and group permissions.",
            reason="required",
            location="permission.emailAddress",
        )
    if kind == "domain" and not body.get("domain"):
        raise ApiError(
            400,
            "The permission domain field is required.",
            reason="required",
            location="permission.domain",
        )
    if role == "owner" and not req.flag("transferOwnership"):
        raise ApiError(
            403,
            "The transferOwnership parameter must be enabled when the permission role is 'owner'.",
            reason="forbidden",
        )
    perm = {
        "kind": "drive#permission",
        "id": str(req.state.next_number()),
        "type": kind,
        "role": role,
    }
    for key in ("emailAddress", "domain", "allowFileDiscovery"):
        if body.get(key) is not None:
            perm[key] = body[key]
    entry.setdefault("permissions", []).append(perm)
    return 200, _public_permission(perm, bool(req.arg("fields")))


def permissions_list(req: Request) -> tuple[int, Any]:
    """GET /drive/v3/files/{fileId}/permissions"""
    entry = find_file(req)
    full = bool(req.arg("fields"))
    return 200, {
        "kind": "drive#permissionList",
        "permissions": [_public_permission(p, full) for p in entry.get("permissions", [])],
    }


def permissions_get(req: Request) -> tuple[int, Any]:
    """GET /drive/v3/files/{fileId}/permissions/{permissionId}"""
    entry = find_file(req)
    for perm in entry.get("permissions", []):
        if perm["id"] == req.param("permissionId"):
            return 200, _public_permission(perm, bool(req.arg("fields")))
    raise ApiError(
        404,
        f"Permission not found: {req.param('permissionId')}.",
        reason="notFound",
        location="permissionId",
    )


def permissions_delete(req: Request) -> tuple[int, Any]:
    """DELETE /drive/v3/files/{fileId}/permissions/{permissionId}"""
    entry = find_file(req)
    before = len(entry.get("permissions", []))
    entry["permissions"] = [
        p for p in entry.get("permissions", []) if p["id"] != req.param("permissionId")
    ]
    if len(entry["permissions"]) == before:
        raise ApiError(
            404,
            f"Permission not found: {req.param('permissionId')}.",
            reason="notFound",
            location="permissionId",
        )
    return 204, None


def drives_list(req: Request) -> tuple[int, Any]:
    """GET /drive/v3/drives"""
    return 200, {"kind": "drive#driveList", "drives": list(req.state.drives.values())}


def drives_get(req: Request) -> tuple[int, Any]:
    """GET /drive/v3/drives/{driveId}"""
    found = req.state.drives.get(req.param("driveId"))
    if found is None:
        raise ApiError(
            404,
            f"Shared drive not found: {req.param('driveId')}",
            reason="notFound",
            location="driveId",
        )
    return 200, found


def about_get(req: Request) -> tuple[int, Any]:
    """GET /drive/v3/about"""
    return 200, {
        "kind": "drive#about",
        "user": {"kind": "drive#user", "emailAddress": ME, "me": True, "displayName": "Emulator"},
        "importFormats": {"text/html": [DOC_MIME], "text/plain": [DOC_MIME]},
    }


def comments_list(req: Request) -> tuple[int, Any]:
    """GET /drive/v3/files/{fileId}/comments (no one comments in the emulator)."""
    find_file(req)
    return 200, {"kind": "drive#commentList", "comments": []}


HANDLERS = {
    "drive.comments.list": comments_list,
    "drive.permissions.create": permissions_create,
    "drive.permissions.list": permissions_list,
    "drive.permissions.get": permissions_get,
    "drive.permissions.delete": permissions_delete,
    "drive.drives.list": drives_list,
    "drive.drives.get": drives_get,
    "drive.about.get": about_get,
}
