"""tracker.xlsx's tabs through the parse cache (`parse_cache.py`), one entry per tab.

A tab's key is the sha256 of its worksheet part's stored bytes, with those of the parts
that change what its cells read as (shared strings, styles, the workbook's date system).
A night that patched two sheets, or a lead who edited one, leaves every other sheet's
part byte for byte as it was, so only the changed sheets are parsed again. The stored
bytes are hashed as they are in the zip (not inflated), which costs next to nothing.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from sos_sync.backends.local.parse_cache import digest
from sos_sync.backends.local.workbook.layout import tab_slug
from sos_sync.backends.local.workbook.package import Found, Package, read_package

_LOCAL_NAMES = struct.Struct("<HH")  # file name and extra field lengths, at offset 26
_SHARED = ("xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml")


def entry_name(tab: str) -> str:
    return f"tracker-{tab_slug(tab)}"


def stored_digests(data: bytes, zf: zipfile.ZipFile) -> dict[str, str]:
    """Each member's sha256 over its bytes as stored in the zip (compressed, not inflated)."""
    view = memoryview(data)
    out: dict[str, str] = {}
    for info in zf.infolist():
        name_len, extra_len = _LOCAL_NAMES.unpack_from(data, info.header_offset + 26)
        start = info.header_offset + 30 + name_len + extra_len
        out[info.filename] = hashlib.sha256(view[start : start + info.compress_size]).hexdigest()
    return out


def tab_keys(stored: Mapping[str, str], pkg: Package, found: Mapping[str, Found]) -> dict[str, str]:
    """Tab -> the key of what its sheet reads as."""
    shared = " ".join(stored.get(p, "-") for p in _SHARED)
    out: dict[str, str] = {}
    for tab, f in found.items():
        sheet = pkg.sheet(f.sheet)
        part = stored.get(sheet.part, "") if sheet is not None else ""
        if part:
            out[tab] = digest(f"{part} {shared}".encode(), "tracker", tab, f.sheet)
    return out


class FileKeys:
    """The tab keys of the file at `path` as it is when asked (read once per file version)."""

    def __init__(self, path: Path, found: Mapping[str, Found]) -> None:
        self.path = path
        self.found = dict(found)
        self._seen: tuple[tuple[int, int, int], dict[str, str]] | None = None

    def now(self) -> dict[str, str]:
        try:
            st = self.path.stat()
            stamp = (st.st_size, st.st_mtime_ns, st.st_ino)
            if self._seen is not None and self._seen[0] == stamp:
                return self._seen[1]
            data = self.path.read_bytes()
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                keys = tab_keys(stored_digests(data, zf), read_package(zf), self.found)
        except (OSError, zipfile.BadZipFile, KeyError, ValueError, struct.error):
            return {}
        self._seen = (stamp, keys)
        return keys

    def still(self, tab: str, key: str) -> Callable[[], bool]:
        """A check that the tab's sheet still reads as it did under `key`."""
        return lambda: self.now().get(tab) == key
