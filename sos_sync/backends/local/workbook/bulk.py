"""A first night's data rows, written straight into the worksheet parts xlsxwriter laid out.

xlsxwriter writes each sheet's layout (header, column styles and widths, drop-downs,
highlighting, filter, panes, print setup, the Dashboard's chart); the rows below the
header are then put in as XML in one pass, cell by cell exactly as a patched night
writes them (`sheetpatch.cell_xml`: the column's style, with a date format or the
quote prefix added when the value needs one; text as inline strings), and the parts
are swapped in with every other part of the file copied as it is (`zipcopy`). This is
several times faster than xlsxwriter's own cell writer for the tens of thousands of
rows a large authority's tracker holds.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from sos_sync.backends.local.workbook import layout as L
from sos_sync.backends.local.workbook.package import read_package
from sos_sync.backends.local.workbook.sheetpatch import cell_xml, columns
from sos_sync.backends.local.workbook.styles import Need, StyleBook, need_of
from sos_sync.backends.local.workbook.zipcopy import Packed, pack, rewrite_zip
from sos_sync.tracker.table import CellKind, typed_value

STYLES = "xl/styles.xml"
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')
_ROWS_A_CHUNK = 2000
_PLAIN = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")


@dataclass(frozen=True)
class SheetRows:
    """The data rows of one sheet (sheet row 2 on), and how to write each column."""

    sheet: str
    rows: Sequence[Sequence[str]]
    kinds: Sequence[CellKind]
    wrapped: Sequence[tuple[int, float]]  # (column, width) of the columns that wrap


class _Columns:
    """Per column: its letters, kind and style, and its styles by need (found once)."""

    def __init__(self, xml: str, kinds: Sequence[CellKind], styles: StyleBook) -> None:
        col = columns(xml)
        self.letters = [L.col_letter(i) for i in range(len(kinds))]
        self.kinds = list(kinds)
        self.base = [col.get(i, (0, 0.0))[0] for i in range(len(kinds))]
        self.styles = styles
        self.memo: dict[tuple[int, Need | None], int] = {}

    def style(self, i: int, need: Need | None) -> int:
        key = (i, need)
        s = self.memo.get(key)
        if s is None:
            s = self.memo[key] = self.styles.style_for(self.base[i], need)
        return s


def _row_xml(n: int, row: Sequence[str], cols: _Columns, spec: SheetRows, date1904: bool) -> str:
    out: list[str] = []
    for i, text in enumerate(row):
        if text == "":
            continue
        kind = cols.kinds[i]
        ref = f"{cols.letters[i]}{n}"
        if kind in ("text", "form") and not _PLAIN.search(text):
            need: Need | None = (
                "quote" if kind == "form" or text.startswith(L.FORMULA_TRIGGERS) else None
            )
            s = cols.style(i, need)
            st = f' s="{s}"' if s else ""
            out.append(
                f'<c r="{ref}"{st} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
            )
            continue
        value = typed_value(kind, text)
        out.append(cell_xml(ref, cols.style(i, need_of(kind, value)), value, date1904))
    height = L.row_height((row[i], w) for i, w in spec.wrapped if i < len(row) and row[i])
    ht = f' ht="{height}" customHeight="1"' if height else ""
    return f'<row r="{n}"{ht}>{"".join(out)}</row>'


def _fill(xml: str, spec: SheetRows, styles: StyleBook, date1904: bool) -> Packed:
    """The sheet's XML with its rows put in after the header row, deflated as it is made
    (a large sheet's XML is never held whole)."""
    last = f"A1:{L.col_letter(max(len(spec.kinds), 1) - 1)}{len(spec.rows) + 1}"
    xml = _DIMENSION.sub(f'<dimension ref="{last}"/>', xml, count=1)
    start = xml.index("<sheetData")
    header_end = xml.find("</row>", start)
    if header_end < 0:
        raise ValueError(f"the sheet `{spec.sheet}` has no header row")
    at = header_end + len("</row>")
    cols = _Columns(xml, spec.kinds, styles)

    def chunks() -> Iterator[str]:
        yield xml[:at]
        for first in range(0, len(spec.rows), _ROWS_A_CHUNK):
            rows = spec.rows[first : first + _ROWS_A_CHUNK]
            yield "".join(
                _row_xml(n, row, cols, spec, date1904)
                for n, row in enumerate(rows, start=first + 2)
            )
        yield xml[at:]

    return pack(chunks())


def fill_rows(skeleton: bytes, out: BinaryIO, sheets: Mapping[str, SheetRows]) -> None:
    """Write to `out` the workbook `skeleton` with each sheet's rows put in."""
    replace: dict[str, bytes | Packed] = {}
    with zipfile.ZipFile(io.BytesIO(skeleton)) as zf:
        pkg = read_package(zf)
        styles = StyleBook.parse(zf.read(STYLES).decode("utf-8"))
        for name, spec in sheets.items():
            sheet = pkg.sheet(name)
            if sheet is None or not sheet.part:
                raise ValueError(f"the sheet `{name}` has no worksheet part")
            xml = zf.read(sheet.part).decode("utf-8")
            replace[sheet.part] = _fill(xml, spec, styles, pkg.date1904)
        if styles.changed:
            replace[STYLES] = styles.render().encode("utf-8")
    rewrite_zip(io.BytesIO(skeleton), out, replace)
