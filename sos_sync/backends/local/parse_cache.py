"""What a night parsed from the workspace's files, kept for the next night (SPEC §12).

A quiet night reads the same inbox exports, `tracker.xlsx` and calendar files as the
night before. Each parse is kept in `state/cache/<name>.json` beside the sha256 of the
bytes it came from (and a version of the parsers); a later read whose bytes hash the
same uses it, any other bytes are parsed afresh, so a cache can never hide a changed
file. An entry that is missing, unreadable or of another version is ignored.

Each entry also carries the sha256 of its own text, so a damaged or edited entry is
ignored too. Entries are written only when a night finishes (`commit`, never in a dry run), each
atomically, and only while the file they mirror still holds the bytes they were parsed
from: a cache holds nothing its file does not hold now, so an erased person's details do
not linger here once the night has rewritten the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sos_sync.files import atomic_write_text

VERSION = "1"  # bump when a parser's output changes: every older entry is then ignored
FOLDER = Path("state") / "cache"


def digest(data: bytes, *context: str) -> str:
    """The key of a parse: the bytes, what they were parsed for, the parsers' version."""
    h = hashlib.sha256("\x1f".join((VERSION, *context)).encode())
    h.update(b"\x00")
    h.update(data)
    return h.hexdigest()


@dataclass
class _Staged:
    key: str
    text: str | None  # the payload as JSON, taken when staged; None: the entry on disk
    still: Callable[[], bool]  # True while the file still holds what was parsed


class ParseCache:
    """The cache folder of one workspace; `None` folder: a cache that keeps nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._staged: dict[str, _Staged | None] = {}  # None: remove the entry

    def _path(self, name: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{name}.json"

    def get(self, name: str, key: str) -> Any | None:
        """The payload kept under `name` for `key`, or None (no entry, another key, damaged)."""
        staged = self._staged.get(name)
        if staged is not None and staged.key == key and staged.text is not None:
            return json.loads(staged.text)
        if self.folder is None:
            return None
        try:
            with self._path(name).open("rb") as fh:
                head = fh.readline().split()  # the key first: a changed file's entry is not read
                if len(head) != 2 or head[0] != key.encode():
                    return None
                body = fh.read()  # hashed and parsed as the bytes they are (UTF-8)
        except OSError:
            return None
        if hashlib.sha256(body).hexdigest().encode() != head[1]:
            return None  # damaged or edited: parse the file instead
        try:
            return json.loads(body)
        except ValueError:
            return None

    def stage(self, name: str, key: str, payload: Any, still: Callable[[], bool]) -> None:
        """Keep `payload` at the next `commit`, if `still()` then says its file is unchanged."""
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        self._staged[name] = _Staged(key, text, still)

    def keep(self, name: str, key: str, still: Callable[[], bool]) -> None:
        """The entry read for `key` stays at the next `commit` only if `still()` then says
        its file is unchanged (a night that rewrote the file leaves no stale copy of it)."""
        self._staged.setdefault(name, _Staged(key, None, still))

    def drop(self, name: str) -> None:
        """Remove the entry at the next `commit` (its file is gone or not to be mirrored)."""
        self._staged[name] = None

    def names(self, prefix: str) -> list[str]:
        """The entries kept on disk whose name starts with `prefix`."""
        if self.folder is None or not self.folder.is_dir():
            return []
        return sorted(
            p.stem for p in self.folder.glob(f"{prefix}*.json") if not p.name.startswith(".")
        )

    def commit(self) -> None:
        """Write what was staged (each entry atomically); a failure only loses the cache."""
        staged, self._staged = self._staged, {}
        if self.folder is None:
            return
        for name, entry in staged.items():
            path = self._path(name)
            try:
                if entry is None or not entry.still():
                    path.unlink(missing_ok=True)
                    continue
                if entry.text is None:
                    continue  # kept as it is
                check = hashlib.sha256(entry.text.encode()).hexdigest()
                atomic_write_text(path, f"{entry.key} {check}\n{entry.text}", mode=0o600)
            except OSError:
                path.unlink(missing_ok=True)
        for leftover in self.folder.glob(".*.tmp") if self.folder.is_dir() else ():
            leftover.unlink(missing_ok=True)  # a write a killed night left


def file_still(path: Path, key: str, *context: str) -> Callable[[], bool]:
    """A check that `path` still holds the bytes `key` was made from."""

    def check() -> bool:
        try:
            return digest(path.read_bytes(), *context) == key
        except OSError:
            return False

    return check
