"""The local backend's documents on disk: the rendered `.docx` and its `.pdf` copy.

The .docx is written exactly as the template rendered it (`sos_sync.domain.documents`);
the PDF copy is laid out from it (`sos_sync.delivery.pdf`), so both show the same letter.
Both are written atomically: a killed run leaves the old pair or the new one, not half a file.
"""

from __future__ import annotations

import io
from pathlib import Path

from sos_sync.domain.documents import HASH_PREFIX
from sos_sync.files import atomic_write_bytes


def write_docx_and_pdf(data: bytes, path: Path) -> Path:
    """Write the .docx at `path` and its PDF copy beside it; the PDF's path."""
    from sos_sync.delivery.pdf import docx_to_pdf  # reportlab: only on nights that make one

    pdf = path.with_suffix(".pdf")
    atomic_write_bytes(pdf, docx_to_pdf(data))
    atomic_write_bytes(path, data)
    return pdf


def read_inputs_hash(data: bytes | Path) -> str | None:
    """The inputs hash rendering stored in the document, or None when there is none."""
    import docx

    source = io.BytesIO(data) if isinstance(data, bytes) else str(data)
    comments = docx.Document(source).core_properties.comments or ""
    return comments[len(HASH_PREFIX) :] if comments.startswith(HASH_PREFIX) else None
