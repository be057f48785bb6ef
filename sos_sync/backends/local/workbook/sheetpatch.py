"""Patch cells into one worksheet part's XML, leaving every other byte of it as it was.

Rows are located by their `r` attribute and only the rows a night writes are rebuilt;
inside them, only the written cells. A written cell keeps its style (with a date
format or the quote prefix added when the value needs one). Text goes in as an inline
string, so the workbook's shared strings part is never touched.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sos_sync.backends.local.workbook.layout import col_letter
from sos_sync.backends.local.workbook.styles import Need, StyleBook
from sos_sync.tracker.table import TypedValue

_ROW_HEAD = re.compile(r"<row\b([^>]*?)(/?)>", re.S)
_CELL = re.compile(r"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
_CELL_HEAD = re.compile(r"<c\b([^>]*?)/?>", re.S)
_R = re.compile(r'\br="([A-Z]*)(\d+)"')
_S = re.compile(r'\bs="(\d+)"')
_HT = re.compile(r'\s+ht="([\d.]+)"')
_CUSTOM = re.compile(r'\s+customHeight="[^"]*"')
_SPANS = re.compile(r'\s+spans="[^"]*"')
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')
_AUTOFILTER = re.compile(r'(<autoFilter\b[^>]*\bref=")([A-Z]+)1:([A-Z]+)(\d+)(")')
_LITERAL_X = re.compile(r"_x(?=[0-9A-Fa-f]{4}_)")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Put:
    """One value for one cell: column (0-based), the value, and what its style needs."""

    col: int
    value: TypedValue | None  # None clears the cell
    need: Need | None
    default_style: int  # the style of a cell that did not exist (its column's)


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _escape(text: str) -> str:
    text = _LITERAL_X.sub("_x005F_x", text)  # `_x0041_` typed in a form stays those characters
    text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _serial(value: dt.date, date1904: bool) -> str:
    epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    if isinstance(value, dt.datetime):
        days = (value - epoch).total_seconds() / 86400
        return repr(round(days, 10))
    return str((dt.datetime(value.year, value.month, value.day) - epoch).days)


def cell_xml(ref: str, style: int, value: TypedValue | None, date1904: bool) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, str):
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_escape(value)}</t></is></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}"{s}><v>{_serial(value, date1904)}</v></c>'
    return f'<c r="{ref}"{s}><v>{value}</v></c>'


class SheetPatch:
    """Cell writes for one sheet, applied in one pass over its XML."""

    def __init__(self, xml: str, styles: StyleBook, date1904: bool) -> None:
        self.xml = xml
        self.styles = styles
        self.date1904 = date1904
        self.rows: dict[int, list[Put]] = {}
        self.heights: dict[int, float] = {}  # rows whose new text wraps onto more lines

    def put(self, row: int, put: Put) -> None:
        self.rows.setdefault(row, []).append(put)

    def _cell(self, r: int, p: Put, old_style: int | None) -> str:
        base = p.default_style if old_style is None else old_style
        style = self.styles.style_for(base, p.need) if p.value not in (None, "") else base
        return cell_xml(f"{col_letter(p.col)}{r}", style, p.value, self.date1904)

    def _patch_row(self, r: int, row_xml: str, puts: list[Put]) -> str:
        head = _ROW_HEAD.match(row_xml)
        assert head is not None
        attrs = _SPANS.sub("", head.group(1))
        height = self.heights.get(r)
        had = _HT.search(attrs)
        if height and (had is None or float(had.group(1)) < height):
            attrs = _CUSTOM.sub("", _HT.sub("", attrs)) + f' ht="{height}" customHeight="1"'
        body = "" if head.group(2) else row_xml[head.end() : -len("</row>")]
        cells: list[tuple[int, str]] = []
        implicit = -1
        for m in _CELL.finditer(body):
            ref = _R.search(_CELL_HEAD.match(m.group()).group(1))  # type: ignore[union-attr]
            implicit = col_index(ref.group(1)) if ref else implicit + 1
            cells.append((implicit, m.group()))
        by_col = dict(cells)
        for p in puts:
            old = by_col.get(p.col)
            old_style = None
            if old is not None:
                sm = _S.search(_CELL_HEAD.match(old).group(1))  # type: ignore[union-attr]
                old_style = int(sm.group(1)) if sm else 0
            by_col[p.col] = self._cell(r, p, old_style)
        inner = "".join(x for _, x in sorted(by_col.items()))
        return f"<row{attrs}>{inner}</row>"

    def render(self, last_col: int) -> str:
        """The sheet with every put applied (rows made where none exist)."""
        xml = self.xml
        start = xml.find("<sheetData")
        close = xml.find("</sheetData>", start)
        if close < 0:  # `<sheetData/>`
            begin = end = xml.index(">", start) + 1
            tail = xml[end:]
        else:
            begin, end = xml.index(">", start) + 1, close
            tail = xml[close + len("</sheetData>") :]
        pieces, max_row = self._rows(begin, end)
        # `<dimension>` comes before the rows, `<autoFilter>` after them: the rows (most of
        # the text) are not searched again
        ref = f"A1:{col_letter(last_col)}{max_row}"
        head = _DIMENSION.sub(f'<dimension ref="{ref}"/>', xml[:start], count=1)
        tail = _AUTOFILTER.sub(
            lambda m: (
                f"{m.group(1)}{m.group(2)}1:{col_letter(max(col_index(m.group(3)), last_col))}"
                f"{max(int(m.group(4)), max_row)}{m.group(5)}"
            ),
            tail,
            count=1,
        )
        return "".join([head, "<sheetData>", *pieces, "</sheetData>", tail])

    def _rows(self, begin: int, end: int) -> tuple[list[str], int]:
        """The rows between `begin` and `end` of the sheet, patched, as pieces to join;
        and the last row number. Only each row's opening tag is read; a row the night
        writes is then taken whole, every other stretch of rows is copied as it is."""
        xml = self.xml
        pieces: list[str] = []
        pos = begin
        implicit = 0
        todo = sorted(self.rows)  # the rows to write, in order; `todo[i:]` not yet written
        i = 0
        max_row = 1
        for m in _ROW_HEAD.finditer(xml, begin, end):
            rm = _R.search(m.group(1))
            r = int(rm.group(2)) if rm else implicit + 1
            implicit = r
            while i < len(todo) and todo[i] < r:  # a new row above this one
                nr = todo[i]
                pieces.append(xml[pos : m.start()])
                pos = m.start()
                pieces.append(self._patch_row(nr, f'<row r="{nr}">', self.rows[nr]))
                i += 1
            if i < len(todo) and todo[i] == r:
                stop = m.end() if m.group(2) else xml.index("</row>", m.end()) + len("</row>")
                pieces.append(xml[pos : m.start()])
                pieces.append(self._patch_row(r, xml[m.start() : stop], self.rows[r]))
                pos = stop
                i += 1
            max_row = max(max_row, r)
        pieces.append(xml[pos:end])
        for nr in todo[i:]:
            pieces.append(self._patch_row(nr, f'<row r="{nr}">', self.rows[nr]))
            max_row = max(max_row, nr)
        return pieces, max_row


def columns(xml: str) -> Mapping[int, tuple[int, float]]:
    """Column (0-based) -> its default style and width, from the sheet's `<cols>`."""
    out: dict[int, tuple[int, float]] = {}
    for m in re.finditer(r"<col\b([^>]*)/?>", xml[: xml.find("<sheetData")]):
        a = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        lo, hi = int(a.get("min", "1")), int(a.get("max", "1"))
        for c in range(lo - 1, min(hi, lo + 200)):
            out[c] = (int(a.get("style", "0")), float(a.get("width", "9")))
    return out
