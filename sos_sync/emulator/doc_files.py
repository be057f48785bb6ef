"""Word files in and PDF out of a Google Doc: importing an uploaded .docx, a PDF of a Doc.

Import keeps what the Docs API shows of a document: one paragraph per Word paragraph (table
cells included, in reading order) with its named style (Heading 1-3, Title, or normal text),
read from the .docx's `word/document.xml` with the standard library. Export to
`application/pdf` lays the Doc's paragraphs out on A4 pages with reportlab; Drive's real
export keeps the whole layout, the emulator only what a test can check (the text, a valid
PDF with pages). The `files.export` endpoint is in `drive_export`.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.etree import ElementTree

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from sos_sync.emulator.errors import ApiError

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_STYLES = {"Heading1": "HEADING_1", "Heading2": "HEADING_2", "Heading3": "HEADING_3"}


def import_docx(media: bytes) -> list[dict[str, Any]]:
    """Paragraphs of an uploaded .docx, as a Google Doc made from it would hold them."""
    try:
        with zipfile.ZipFile(io.BytesIO(media)) as z:
            root = ElementTree.fromstring(z.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise ApiError(
            400, "The uploaded file is not a valid Word document.", reason="badContent"
        ) from exc
    out: list[dict[str, Any]] = []
    for p in root.iter(f"{_W}p"):
        style = p.find(f"{_W}pPr/{_W}pStyle")
        named = _STYLES.get(style.get(f"{_W}val", "") if style is not None else "", "NORMAL_TEXT")
        text = "".join(
            (t.text or "") if t.tag == f"{_W}t" else "\v" if t.tag == f"{_W}br" else ""
            for t in p.iter()
        )
        out.append({"text": text, "style": {"namedStyleType": named, "direction": "LEFT_TO_RIGHT"}})
    return out or [{"text": "", "style": {"namedStyleType": "NORMAL_TEXT"}}]


def pdf_of(paragraphs: list[dict[str, Any]], title: str) -> bytes:
    """A PDF of the Doc's paragraphs (text only, A4, one line of text per wrapped line)."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setTitle(title)
    width, height = A4
    y = height - 60
    for para in paragraphs:
        size = 16 if para["style"].get("namedStyleType", "").startswith("HEADING") else 10
        for line in simpleSplit(para["text"].replace("\v", " "), "Helvetica", size, width - 120):
            if y < 60:
                canvas.showPage()
                y = height - 60
            canvas.setFont("Helvetica", size)
            canvas.drawString(60, y, line.encode("latin-1", "replace").decode("latin-1"))
            y -= size * 1.4
        y -= 4
    canvas.showPage()
    canvas.save()
    return out.getvalue()


class RawReply:
    """A reply body that is not JSON (an export's bytes)."""

    def __init__(self, data: bytes, content_type: str) -> None:
        self.data = data
        self.content_type = content_type
