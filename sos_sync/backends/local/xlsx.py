"""The tracker as a real `.xlsx` workbook that Excel and LibreOffice open (SPEC §4, §9, §12).

Reading uses calamine (fast, read-only). Writing is one of three, always through a
temporary file moved into place, so a killed night leaves the old file or the new one:

- the first night writes the whole workbook with a streaming writer (`workbook/first.py`);
- a night with changes patches only the worksheet parts it changes; every other part of
  the file (a lead's styles, notes, widths, own sheets and charts) is copied byte for
  byte (`workbook/sheetpatch.py`, `workbook/zipcopy.py`);
- a structural night (a tab missing, or a workbook from an older version to lay out)
  goes through openpyxl once (`workbook/upgrade.py`).

A quiet night writes nothing at all. Tabs are found by their marker name, so a tab a
lead renamed is still the same tab (`workbook/package.py`).
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from python_calamine import CalamineWorkbook

from sos_sync.backends.local.parse_cache import ParseCache
from sos_sync.backends.local.tracker_cache import FileKeys, entry_name, stored_digests, tab_keys
from sos_sync.backends.local.workbook.package import Found, Package, read_package, resolve_tabs
from sos_sync.backends.local.workbook.patch import patch_workbook
from sos_sync.errors import Permanent
from sos_sync.files import atomic_write_bytes
from sos_sync.tracker.table import TabData, TabPlan, TabSpec, cell_text


def _damaged(path: Path, exc: Exception) -> Permanent:
    return Permanent(
        f"{path} cannot be read as a workbook ({exc}). Is it damaged, or saved in another "
        "format? Restore the latest snapshot from backups/ (see `sos-sync restore-check`)."
    )


@dataclass
class _Read:
    """What one read found: the file it read (by its stat), where each tab is, its data."""

    stamp: tuple[int, int, int]
    package: Package
    found: dict[str, Found]
    tabs: dict[str, TabData | None]


def _stamp(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _text_rows(wb: CalamineWorkbook, sheet: str) -> TabData:
    rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    if not rows:
        return TabData([], [])
    text = [[v if v.__class__ is str else cell_text(v) for v in row] for row in rows]
    return TabData(text[0], text[1:])


def _read(path: Path, tabs: Sequence[TabSpec], cache: ParseCache | None = None) -> _Read:
    """Every tab of the file; a tab's parse of the night before while its sheet is the same."""
    try:
        stamp = _stamp(path)
        data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            pkg = read_package(zf)
            stored = stored_digests(data, zf) if cache is not None else {}
    except Exception as exc:  # zipfile raises its own types for a damaged file
        raise _damaged(path, exc) from exc
    opened: list[CalamineWorkbook] = []

    def book() -> CalamineWorkbook:
        if not opened:
            try:
                opened.append(CalamineWorkbook.from_filelike(io.BytesIO(data)))
            except Exception as exc:  # calamine raises its own types for a damaged file
                raise _damaged(path, exc) from exc
        return opened[0]

    def header_of(name: str) -> list[str]:
        rows = book().get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=1)
        return [cell_text(v) for v in rows[0]] if rows else []

    found = resolve_tabs(pkg, tabs, header_of)
    keys = tab_keys(stored, pkg, found) if cache is not None else {}
    now = FileKeys(path, found)
    out: dict[str, TabData | None] = {t.name: None for t in tabs}
    try:
        for t in tabs:
            if t.name not in found:
                continue
            key = keys.get(t.name, "")
            kept = cache.get(entry_name(t.name), key) if cache is not None and key else None
            if isinstance(kept, list) and len(kept) == 2:
                out[t.name] = TabData(kept[0], kept[1])
                if cache is not None:
                    cache.keep(entry_name(t.name), key, now.still(t.name, key))
                continue
            tab = out[t.name] = _text_rows(book(), found[t.name].sheet)
            if cache is not None and key:
                payload = [tab.header, tab.rows]
                cache.stage(entry_name(t.name), key, payload, now.still(t.name, key))
    except Permanent:
        raise
    except Exception as exc:  # calamine raises its own types for a damaged file
        raise _damaged(path, exc) from exc
    return _Read(stamp, pkg, found, out)


def read_workbook(path: Path, tabs: Sequence[TabSpec]) -> dict[str, TabData | None]:
    """Every tab as text cells; a tab the workbook lacks is None (a renamed tab is found)."""
    if not path.exists():
        return {t.name: None for t in tabs}
    return _read(path, tabs).tabs


@contextmanager
def _replacing(path: Path) -> Iterator[tuple[Path, BinaryIO]]:
    """A temporary file beside `path`, moved over it (after fsync) when the block succeeds."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        with os.fdopen(fd, "w+b") as fh:
            yield Path(tmp), fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class XlsxTracker:
    """`tracker.xlsx` in the workspace."""

    def __init__(
        self,
        path: Path,
        leads: Sequence[str] = (),
        renewal_days: int = 90,
        cache: ParseCache | None = None,
    ) -> None:
        self.path = path
        self.leads = tuple(leads)
        self.renewal_days = renewal_days
        self.cache = cache  # the night before's parse, while the file is byte for byte the same
        self._last: _Read | None = None
        self.last_apply = "none"  # what the last apply did: none, first, patch or upgrade

    def read_tabs(self, tabs: Sequence[TabSpec]) -> dict[str, TabData | None]:
        if not self.path.exists():
            self._last = None
            return {t.name: None for t in tabs}
        self._last = _read(self.path, tabs, self.cache)
        return self._last.tabs

    def _current(self, tabs: Sequence[TabSpec]) -> _Read:
        """What the file holds now: the last read if the file has not changed since."""
        last = self._last
        if (
            last is not None
            and last.stamp == _stamp(self.path)
            and set(last.tabs) >= {t.name for t in tabs}
        ):
            return last
        return _read(self.path, tabs, self.cache)

    def apply(self, tabs: Sequence[TabSpec], plans: Sequence[TabPlan]) -> int:
        """Write every plan into the workbook, replacing the file atomically; return cells written.

        Nothing to write leaves the file untouched (not even its modification time).
        """
        by_tab: dict[str, TabPlan] = {p.tab: p for p in plans if p.cell_count}
        self.last_apply = "none"
        if by_tab or not self.path.exists():
            self._remove_leftovers()
        if not self.path.exists():
            from sos_sync.backends.local.workbook.first import write_first  # xlsxwriter: once

            self.path.parent.mkdir(parents=True, exist_ok=True)
            with _replacing(self.path) as (tmp, _fh):
                written = write_first(tmp, tabs, by_tab, self.leads, self.renewal_days)
            self.last_apply, self._last = "first", None
            self._remember(tabs, None, {t.name for t in tabs})
            return written
        if not by_tab:
            return 0
        cur = self._current(tabs)
        if any(t.name not in cur.found or not cur.found[t.name].laid_out for t in tabs):
            from sos_sync.backends.local.workbook.upgrade import upgrade  # openpyxl: rarely

            data, written = upgrade(
                self.path.read_bytes(), tabs, by_tab, cur.found, self.leads, self.renewal_days
            )
            atomic_write_bytes(self.path, data)
            self.last_apply, self._last = "upgrade", None
            return written
        with self.path.open("rb") as src, _replacing(self.path) as (_tmp, out):
            written = patch_workbook(src, out, cur.package, cur.found, cur.tabs, tabs, by_tab)
        self.last_apply, self._last = "patch", None
        self._remember(tabs, cur.found, set(by_tab))
        return written

    def _remember(
        self, tabs: Sequence[TabSpec], found: Mapping[str, Found] | None, which: set[str]
    ) -> None:
        """Keep the parse of the sheets this night wrote, for the next night: read again from
        the new file one at a time (a patched night's other sheets were copied byte for byte:
        their entries still hold). `found` None: the night wrote a new file."""
        if self.cache is None:
            return
        try:
            data = self.path.read_bytes()
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                pkg = read_package(zf)
                stored = stored_digests(data, zf)
            where = dict(found) if found is not None else resolve_tabs(pkg, tabs, lambda _s: [])
            keys = tab_keys(stored, pkg, where)
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            now = FileKeys(self.path, where)
            for t in tabs:
                if t.name in which and t.name in keys:
                    tab = _text_rows(book, where[t.name].sheet)
                    still = now.still(t.name, keys[t.name])
                    self.cache.stage(
                        entry_name(t.name), keys[t.name], [tab.header, tab.rows], still
                    )
        except Exception:  # noqa: BLE001 - a cache never fails a night: the next one reads the file
            for t in tabs:
                self.cache.drop(entry_name(t.name))

    def _remove_leftovers(self) -> None:
        """Temporary files a killed night left beside the tracker (never the tracker itself)."""
        for tmp in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            tmp.unlink(missing_ok=True)

    def sheet_names(self) -> Mapping[str, str]:
        """Spec tab -> the sheet holding it, as last read (a renamed tab maps to its new name)."""
        return {t: f.sheet for t, f in (self._last.found if self._last else {}).items()}
