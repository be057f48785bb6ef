"""A night with changes: patch the changed worksheet parts; copy every other part as it is.

Rows are found by key in what the night read (calamine), so the row numbers are those
of the file being patched (the caller re-reads it if it changed since). New rows go
below the last row holding anything, new columns to the right of the last header.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import BinaryIO

from sos_sync.backends.local.workbook import layout as L
from sos_sync.backends.local.workbook.package import Found, Package
from sos_sync.backends.local.workbook.sheetpatch import Put, SheetPatch, columns
from sos_sync.backends.local.workbook.styles import StyleBook, need_of
from sos_sync.backends.local.workbook.zipcopy import rewrite_zip
from sos_sync.tracker.table import TabData, TabPlan, TabSpec, typed_value

STYLES = "xl/styles.xml"
_A1_STYLE = re.compile(r'<c r="A1"[^>]*?\bs="(\d+)"')


def _patch_sheet(
    xml: str, styles: StyleBook, date1904: bool, spec: TabSpec, data: TabData, plan: TabPlan
) -> tuple[str, int]:
    header = list(data.header)
    while header and header[-1] == "":
        header.pop()
    cols = dict(data.col_index())
    col = columns(xml)
    wraps = {c: w for c, (st, w) in col.items() if styles.wraps(st)}
    a1 = _A1_STYLE.search(xml)
    patch = SheetPatch(xml, styles, date1904)
    written = 0
    next_col = len(header)
    for name in plan.add_headers:
        if name not in cols:
            patch.put(1, Put(next_col, name, None, int(a1.group(1)) if a1 else 0))
            cols[name] = next_col
            next_col += 1
            written += 1
    index = dict(data.index(spec.key)[0])
    last = data.last_row()
    for rw in plan.rows:
        pos = index.get(rw.key)
        if pos is None:
            last += 1
            index[rw.key] = pos = last - 2
        texts: list[tuple[str, float]] = []
        for cw in rw.cells:
            c = cols[cw.column]
            v = typed_value(cw.kind, cw.value)
            style = col.get(c, (0, 0.0))[0]
            patch.put(pos + 2, Put(c, v if v != "" else None, need_of(cw.kind, v), style))
            if isinstance(v, str) and c in wraps:
                texts.append((v, wraps[c]))
            written += 1
        height = L.row_height(texts)
        if height:
            patch.heights[pos + 2] = height
    return patch.render(max(next_col, 1) - 1), written


def patch_workbook(
    src: BinaryIO,
    out: BinaryIO,
    package: Package,
    found: Mapping[str, Found],
    current: Mapping[str, TabData | None],
    tabs: Sequence[TabSpec],
    plans: Mapping[str, TabPlan],
) -> int:
    """Write to `out` the workbook `src` with `plans` applied; return cells written."""
    specs = {t.name: t for t in tabs}
    replace: dict[str, bytes] = {}
    written = 0
    with zipfile.ZipFile(src) as zf:
        styles = StyleBook.parse(zf.read(STYLES).decode("utf-8"))
        for tab, plan in plans.items():
            sheet = package.sheet(found[tab].sheet)
            if sheet is None or not sheet.part:
                raise ValueError(f"the tab `{tab}` has no worksheet part")
            xml = zf.read(sheet.part).decode("utf-8")
            data = current.get(tab) or TabData([], [])
            new_xml, n = _patch_sheet(xml, styles, package.date1904, specs[tab], data, plan)
            replace[sheet.part] = new_xml.encode("utf-8")
            written += n
        if styles.changed:
            replace[STYLES] = styles.render().encode("utf-8")
    src.seek(0)
    rewrite_zip(src, out, replace)
    return written
