"""Docs v1 HTTP handlers: documents create / get / batchUpdate (the model is `docs_models`)."""

from __future__ import annotations

import copy
from typing import Any

from sos_sync.emulator.docs_models import apply_edit, new_document, public_document, revision_id
from sos_sync.emulator.drive_models import DOC_MIME, check_storage, register_file, touch_file
from sos_sync.emulator.errors import ApiError, not_found
from sos_sync.emulator.request import Request


def _document(req: Request) -> dict[str, Any]:
    doc = req.state.documents.get(req.param("documentId"))
    if doc is None:
        raise not_found("docs")
    return doc  # type: ignore[no-any-return]


def documents_create(req: Request) -> tuple[int, Any]:
    """POST /v1/documents (content in the body is ignored, as Google does)."""
    check_storage(req.state, None)
    title = req.json().get("title") or "Untitled document"
    document_id = req.state.new_id(length=44)
    doc = new_document(req.state, document_id, title)
    register_file(req.state, document_id, title, DOC_MIME)
    return 200, public_document(doc)


def documents_get(req: Request) -> tuple[int, Any]:
    """GET /v1/documents/{documentId}"""
    return 200, public_document(_document(req), req.flag("includeTabsContent"))


def documents_batch_update(req: Request) -> tuple[int, Any]:
    """POST /v1/documents/{documentId}:batchUpdate"""
    doc = _document(req)
    body = req.json()
    control = body.get("writeControl") or {}
    required = control.get("requiredRevisionId")
    if required and required != revision_id(doc):
        raise ApiError(
            400,
            f"The required revision ID {required} does not match the latest revision.",
            status="FAILED_PRECONDITION",
        )
    work = copy.deepcopy(doc)
    replies = []
    for i, request in enumerate(body.get("requests") or []):
        present = [k for k, v in request.items() if v is not None]
        if len(present) != 1:
            raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request must be set.")
        try:
            replies.append(apply_edit(work, present[0], request[present[0]]))
        except ApiError as exc:
            raise ApiError(400, f"Invalid requests[{i}].{present[0]}: {exc.message}") from exc
    if replies:
        work["revision"] += 1
    req.state.documents[doc["documentId"]] = work
    touch_file(req.state, doc["documentId"])
    reply: dict[str, Any] = {
        "documentId": doc["documentId"],
        "writeControl": {"requiredRevisionId": revision_id(work)},
    }
    if replies:
        reply["replies"] = replies
    return 200, reply


HANDLERS = {
    "docs.documents.create": documents_create,
    "docs.documents.get": documents_get,
    "docs.documents.batchUpdate": documents_batch_update,
}
