"""The first night: the whole tracker written by a streaming writer (xlsxwriter).

xlsxwriter lays out every sheet; the data rows below each header (but the Dashboard's)
then go straight into the worksheet parts (`bulk.py`), as a patched night writes cells.
Numbers and dates are written as numbers and dates, form text as literal text (never a
formula), and every tab gets the layout of `layout.py`, its marker name, and the
Dashboard its chart.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from sos_sync.backends.local.workbook import layout as L
from sos_sync.backends.local.workbook.bulk import SheetRows, fill_rows
from sos_sync.tracker.table import CellKind, Column, TabPlan, TabSpec, typed_value

FORMULA_TRIGGERS = L.FORMULA_TRIGGERS
_NUM = {"date": L.DATE_FORMAT, "datetime": L.DATETIME_FORMAT}


class _Formats:
    """xlsxwriter formats by what a cell needs: wrap, number format, quote prefix, header."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.cache: dict[tuple[Any, ...], Format] = {}

    def get(self, *, wrap: bool = False, num: str = "", quote: bool = False) -> Format:
        """A column's format (top-aligned; wrapped; a date format) plus the quote prefix,
        so a cell a later night adds to the column finds its style already in the file."""
        key = (wrap, num, quote)
        if key not in self.cache:
            props: dict[str, Any] = {"valign": "top"}
            if wrap:
                props["text_wrap"] = True
            if num:
                props["num_format"] = num
            if quote:
                props["quote_prefix"] = True
            self.cache[key] = self.book.add_format(props)
        return self.cache[key]

    def header(self, owner: str) -> Format:
        key = ("header", owner)
        if key not in self.cache:
            fill = L.LEAD_HEADER_FILL if owner == "lead" else L.MACHINE_HEADER_FILL
            self.cache[key] = self.book.add_format(
                {"bold": True, "bg_color": f"#{fill}", "text_wrap": True, "valign": "top"}
            )
        return self.cache[key]


def _write(
    ws: Worksheet, fmts: _Formats, r: int, c: int, value: str, kind: CellKind, wrap: bool
) -> None:
    v = typed_value(kind, value)
    num = _NUM.get(kind, "")
    if isinstance(v, str):
        quote = kind == "form" or v.startswith(FORMULA_TRIGGERS)
        ws.write_string(r, c, v, fmts.get(wrap=wrap, num=num, quote=quote))
    elif isinstance(v, dt.datetime):
        ws.write_datetime(r, c, v, fmts.get(wrap=wrap, num=L.DATETIME_FORMAT))
    elif isinstance(v, dt.date):
        fmt = L.DATETIME_FORMAT if kind == "datetime" else L.DATE_FORMAT
        ws.write_datetime(r, c, v, fmts.get(wrap=wrap, num=fmt))
    else:
        ws.write_number(r, c, v, fmts.get(wrap=wrap, num=num))


def _rows(spec: TabSpec, plan: TabPlan | None, header: Sequence[str]) -> list[list[str]]:
    pos = {h: i for i, h in enumerate(header)}
    rows: list[list[str]] = []
    for row in plan.rows if plan else ():
        out = [""] * len(header)
        for cw in row.cells:
            out[pos[cw.column]] = cw.value
        rows.append(out)
    return rows


def _sheet(
    book: xlsxwriter.Workbook,
    fmts: _Formats,
    spec: TabSpec,
    plan: TabPlan | None,
    leads: Sequence[str],
    renewal_days: int,
    bulk: dict[str, SheetRows],
) -> None:
    """Lay out one sheet; its data rows go to `bulk` (the Dashboard's are written here)."""
    cols: tuple[Column, ...] = L.display_order(spec)
    header = [c.name for c in cols]
    rows = _rows(spec, plan, header)
    meter = L.WidthMeter(len(header))
    for row in rows:
        meter.add(row)
    widths = meter.widths(spec, header)
    ws = book.add_worksheet(spec.name)
    ws.set_row(0, None, None)
    for i, c in enumerate(cols):
        width, wrap = widths[i]
        ws.set_column(i, i, width, fmts.get(wrap=wrap, num=_NUM.get(c.kind, "")))
        ws.write_string(0, i, c.name, fmts.header(c.owner))
    wrapped = [(i, w) for i, (w, wrap) in enumerate(widths) if wrap]
    if spec.name == "Dashboard":  # a few rows, and the chart's cached values come from them
        for r, row in enumerate(rows, start=1):
            height = L.row_height((row[i], w) for i, w in wrapped if row[i])
            if height:
                ws.set_row(r, height)
            for i, value in enumerate(row):
                if value != "":
                    _write(ws, fmts, r, i, value, cols[i].kind, widths[i][1])
    elif rows:
        bulk[spec.name] = SheetRows(spec.name, rows, [c.kind for c in cols], wrapped)
    last = max(len(rows), 1)
    ws.freeze_panes(1, L.frozen_columns(header, spec))
    ws.autofilter(0, 0, last, len(header) - 1)
    _validations(ws, spec, header, leads)
    for h in L.highlights(spec, header, renewal_days):
        fill = book.add_format({"bg_color": f"#{h.fill}"})
        ws.conditional_format(
            1,
            h.first_col,
            L.MAX_ROW - 1,
            h.last_col,
            {"type": "formula", "criteria": f"={h.formula}", "format": fill},
        )
    _print_setup(ws)
    book.define_name(L.marker_name(spec.name), f"='{spec.name}'!$A$1")
    if spec.name == "Dashboard":
        _chart(book, ws, rows, header)


def _validations(ws: Worksheet, spec: TabSpec, header: Sequence[str], leads: Sequence[str]) -> None:
    for i, name in enumerate(header):
        values = L.choices_for(name, spec, leads)
        if not values:
            continue
        strict = name != "Lead"  # a lead not yet in the config may still be typed
        ws.data_validation(
            1,
            i,
            L.MAX_ROW - 1,
            i,
            {
                "validate": "list",
                "source": list(values),
                "ignore_blank": True,
                "show_error": strict,
                "error_type": "stop",
            },
        )


def _print_setup(ws: Worksheet) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many pages down as it takes
    ws.repeat_rows(0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def _chart(
    book: xlsxwriter.Workbook, ws: Worksheet, rows: Sequence[Sequence[str]], header: Sequence[str]
) -> None:
    """Bars of schools per step beside the table, clear of its text (Detail wraps)."""
    at = {row[0]: r for r, row in enumerate(rows, start=1) if row}
    steps = [at.get(f"Step {s}") for s in range(1, 6)]
    first = steps[0]
    if first is None or steps != list(range(first, first + 5)):
        return
    chart = book.add_chart({"type": "column"})
    name = ws.get_name()
    chart.add_series(
        {
            "categories": [name, first, 0, first + 4, 0],
            "values": [name, first, 1, first + 4, 1],
            "fill": {"color": "#4472C4"},
            "data_labels": {"value": True},
        }
    )
    chart.set_title({"name": "Schools per step"})
    chart.set_x_axis({"name": "Step"})
    chart.set_y_axis({"name": "Schools", "min": 0, "major_gridlines": {"visible": True}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 480, "height": 288})
    ws.insert_chart(1, len(header) + 1, chart, {"x_offset": 10, "y_offset": 0})


def write_first(
    path: Path,
    tabs: Sequence[TabSpec],
    plans: Mapping[str, TabPlan],
    leads: Sequence[str],
    renewal_days: int,
) -> int:
    """Write a new workbook at `path` (a temporary file the caller moves into place)."""
    skeleton = io.BytesIO()
    book = xlsxwriter.Workbook(skeleton, {"constant_memory": True, "strings_to_numbers": False})
    fmts = _Formats(book)
    bulk: dict[str, SheetRows] = {}
    written = 0
    for spec in tabs:
        plan = plans.get(spec.name)
        _sheet(book, fmts, spec, plan, leads, renewal_days, bulk)
        written += plan.cell_count if plan else 0
    book.close()
    with path.open("wb") as out:
        fill_rows(skeleton.getvalue(), out, bulk)
    return written
