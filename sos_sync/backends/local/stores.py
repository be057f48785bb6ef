"""The local backend's documents (`docs/*.docx`); the calendar is in `ics_store`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from sos_sync.backends.base import DocState
from sos_sync.backends.local.docx import html_to_docx


def doc_filename(key: str) -> str:
    """A stable, safe file name for a document key: `131003-audit_feedback-2024-11-14.docx`."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", key.replace(":", "-")).strip("-") + ".docx"


def file_fingerprint(path: Path) -> str:
    """The file's bytes, hashed: any save by a person (Word, LibreOffice) changes it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:32]


class DocxDocuments:
    """`.docx` files in the workspace's documents folder, one per key."""

    def __init__(self, folder: Path, workspace: Path) -> None:
        self.folder = folder
        self.workspace = workspace

    def _path(self, key: str) -> Path:
        return self.folder / doc_filename(key)

    def _link(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.workspace))
        except ValueError:
            return str(path)

    def read_documents(self, keys: Sequence[str]) -> dict[str, DocState]:
        out: dict[str, DocState] = {}
        for k in keys:
            p = self._path(k)
            if p.exists():
                out[k] = DocState(k, self._link(p), file_fingerprint(p))
        return out

    def delete_document(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def write_document(self, key: str, title: str, html: str, inputs_hash: str) -> DocState:
        p = self._path(key)
        html_to_docx(html, p, title, inputs_hash=inputs_hash)
        return DocState(key, self._link(p), file_fingerprint(p))
