"""Drive `files.export`: a Google Doc as PDF (the bytes come from `doc_files.pdf_of`) or as
plain text (Google's: UTF-8 with a byte-order mark, paragraphs separated by `\r\n`)."""

from __future__ import annotations

from typing import Any

from sos_sync.emulator.doc_files import PDF_MIME, RawReply, pdf_of
from sos_sync.emulator.drive import find_file
from sos_sync.emulator.errors import ApiError
from sos_sync.emulator.request import Request

TEXT_MIME = "text/plain"


def files_export(req: Request) -> tuple[int, Any]:
    """GET /drive/v3/files/{fileId}/export?mimeType=application/pdf or text/plain (a Google Doc only)."""
    entry = find_file(req)
    mime = req.arg("mimeType")
    doc = req.state.documents.get(entry["id"])
    if doc is not None and mime == TEXT_MIME:
        text = "\r\n".join(p["text"].replace("\v", "\n") for p in doc["paragraphs"])
        return 200, RawReply(("\ufeff" + text).encode("utf-8"), TEXT_MIME)
    if doc is None or mime != PDF_MIME:
        raise ApiError(
            400 if doc is not None else 403,
            f"Export of {entry['mimeType']} to {mime} is not emulated or not supported.",
            reason="badRequest" if doc is not None else "fileNotExportable",
        )
    return 200, RawReply(pdf_of(doc["paragraphs"], entry["name"]), PDF_MIME)


HANDLERS = {"drive.files.export": files_export}
