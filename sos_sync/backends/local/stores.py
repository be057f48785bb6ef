"""The local backend's documents (`docs/*.docx` and their `.pdf` copies); the calendar
is in `ics_store`.

A document's fingerprint is the hash of its bytes. Each night reads every document's, so
they are kept in `state/documents-seen.json` with the file's size, times and inode: a file
whose stat is unchanged is not read and hashed again (any save changes its ctime).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from sos_sync.backends.base import DocState, DocumentWrite, DocumentWrites, write_in_turn
from sos_sync.backends.local.docx import write_docx_and_pdf
from sos_sync.files import atomic_write_bytes

SEEN_FILE = Path("state") / "documents-seen.json"


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
        self._staged: bytes | None = None  # what `commit_seen` writes

    def _path(self, key: str) -> Path:
        return self.folder / doc_filename(key)

    def _link(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.workspace))
        except ValueError:
            return str(path)

    def read_documents(self, keys: Sequence[str]) -> dict[str, DocState]:
        seen = self._seen()
        now: dict[str, list[int | str] | None] = {}
        out: dict[str, DocState] = {}
        for k in keys:
            p = self._path(k)
            try:
                st = p.stat()
            except OSError:
                now[p.name] = None  # gone
                continue
            stamp: list[int | str] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
            known = seen.get(p.name) or []
            same = isinstance(known, list) and len(known) == 5 and known[:4] == stamp
            fingerprint = str(known[4]) if same else file_fingerprint(p)
            now[p.name] = [*stamp, fingerprint]
            out[k] = DocState(k, self._link(p), fingerprint)
        kept = {n: v for n, v in {**seen, **now}.items() if v is not None}
        if kept != seen:  # kept when the night finishes (`commit_seen`): a dry run writes nothing
            self._staged = json.dumps(kept, sort_keys=True, separators=(",", ":")).encode()
        return out

    def commit_seen(self) -> None:
        """Keep what this night's reads found, for the next night (see the module's doc)."""
        if self._staged is not None:
            atomic_write_bytes(self.workspace / SEEN_FILE, self._staged)
            self._staged = None

    def _seen(self) -> dict[str, list[int | str]]:
        """What the last read found: file name -> [size, mtime, ctime, inode, fingerprint]."""
        try:
            found = json.loads((self.workspace / SEEN_FILE).read_bytes())
        except (OSError, ValueError):
            return {}  # none yet, or damaged: every file is hashed (and the file rewritten)
        return found if isinstance(found, dict) else {}

    def delete_document(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
        self._path(key).with_suffix(".pdf").unlink(missing_ok=True)

    def write_documents(self, jobs: Iterable[DocumentWrite]) -> DocumentWrites:
        return write_in_turn(self, jobs)  # CPU-bound (the PDF): nothing gained by threads

    def write_document(self, key: str, title: str, docx: bytes, inputs_hash: str) -> DocState:
        p = self._path(key)
        write_docx_and_pdf(docx, p)
        return DocState(key, self._link(p), file_fingerprint(p))

    def read_pdf(self, key: str) -> bytes:
        """The PDF copy beside the .docx (made again from the .docx if it went missing)."""
        p = self._path(key)
        pdf = p.with_suffix(".pdf")
        if not pdf.exists() and p.exists():
            write_docx_and_pdf(p.read_bytes(), p)
        return pdf.read_bytes()
