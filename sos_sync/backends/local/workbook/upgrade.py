"""A structural night: a tab is missing, or a workbook from an older version needs its layout.

Rare (once per workbook, or when a lead deletes a whole tab), so it goes through
openpyxl, which keeps a lead's own formatting, notes, widths, columns and sheets. Only
what is missing is added: a freeze, filter, drop-down, highlight or print setup a lead
already set is left as it is. Counts and dates the older version wrote as text in
machine columns become numbers and dates (the same values; form text stays text).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sos_sync.backends.local.workbook import layout as L
from sos_sync.backends.local.workbook.package import Found
from sos_sync.tracker.table import CellKind, CellWrite, TabPlan, TabSpec, cell_text, typed_value

OLD_FREEZE = "B2"  # what older versions froze: a hash column, not the school


def _set(c: Cell, value: str, kind: CellKind) -> None:
    v = typed_value(kind, value) if value else None
    c.value = v
    if isinstance(v, str):
        c.data_type = "s"  # never a formula, whatever the text starts with
        if kind == "form" or v.startswith(L.FORMULA_TRIGGERS):
            c.quotePrefix = True
    elif isinstance(v, dt.date):
        c.number_format = L.DATETIME_FORMAT if isinstance(v, dt.datetime) else L.DATE_FORMAT


def _apply_tab(ws: Worksheet, spec: TabSpec, plan: TabPlan) -> int:
    header = [cell_text(c.value) for c in next(ws.iter_rows(min_row=1, max_row=1), ())]
    cols = {h: i + 1 for i, h in reversed(list(enumerate(header))) if h}
    while header and header[-1] == "":
        header.pop()
    written = 0
    next_col = len(header) + 1
    for name in plan.add_headers:
        if name not in cols:
            ws.cell(row=1, column=next_col, value=name)
            cols[name] = next_col
            next_col += 1
            written += 1
    key_col = cols[spec.key]
    rows: dict[str, int] = {}
    last = 1
    for n, (v,) in enumerate(
        ws.iter_rows(min_row=2, min_col=key_col, max_col=key_col, values_only=True), start=2
    ):
        if cell_text(v):
            rows.setdefault(cell_text(v), n)
    for n, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if any(x not in (None, "") for x in row):
            last = n
    for rw in plan.rows:
        r = rows.get(rw.key)
        if r is None:
            last += 1
            r = rows[rw.key] = last
        for cw in rw.cells:
            _write(ws, r, cols, cw)
            written += 1
    return written


def _write(ws: Worksheet, r: int, cols: Mapping[str, int], cw: CellWrite) -> None:
    _set(ws.cell(row=r, column=cols[cw.column]), cw.value, cw.kind)


def _typed_in_place(ws: Worksheet, spec: TabSpec, header: Sequence[str]) -> None:
    """Counts and dates an older version wrote as text become numbers and dates."""
    for i, name in enumerate(header, start=1):
        try:
            col = spec.column(name)
        except KeyError:
            continue
        if col.owner != "machine" or col.kind in ("text", "form"):
            continue
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            if isinstance(cell.value, str) and cell.value:
                _set(cell, cell.value, col.kind)


def lay_out(ws: Worksheet, spec: TabSpec, leads: Sequence[str], renewal_days: int) -> None:
    """Add the layout of `layout.py` where the tab lacks it (a lead's own settings stay)."""
    header = [cell_text(c.value) for c in ws[1]]
    while header and header[-1] == "":
        header.pop()
    owners = {c.name: c.owner for c in spec.columns}
    _typed_in_place(ws, spec, header)
    meter = L.WidthMeter(len(header))
    last = min(ws.max_row, L.WidthMeter.SAMPLE + 1)  # iter_rows past the end makes cells
    for row in ws.iter_rows(min_row=2, max_row=max(last, 2), values_only=True):
        meter.add([cell_text(v) for v in row])
    widths = meter.widths(spec, header)
    wrapped: list[tuple[int, float]] = []
    for i, name in enumerate(header):
        letter = L.col_letter(i)
        dim = ws.column_dimensions[letter]
        if dim.width in (None, 13.0, float(max(12, min(40, len(name) + 4)))):  # not a lead's
            dim.width, wrap = widths[i]
            if wrap:
                wrapped.append((i, dim.width))
                for (cell,) in ws.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
                    if cell.alignment is None or not cell.alignment.wrap_text:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
        head = ws.cell(row=1, column=i + 1)
        if name in owners:
            head.font = Font(bold=True)
            fill = L.LEAD_HEADER_FILL if owners[name] == "lead" else L.MACHINE_HEADER_FILL
            head.fill = PatternFill("solid", fgColor=fill)
    _heights(ws, wrapped)
    if ws.freeze_panes in (None, OLD_FREEZE):
        ws.freeze_panes = f"{L.col_letter(L.frozen_columns(header, spec))}2"
    if not ws.auto_filter.ref and header:
        ws.auto_filter.ref = f"A1:{L.col_letter(len(header) - 1)}{max(ws.max_row, 2)}"
    _validations(ws, spec, header, leads)
    _highlights(ws, spec, header, renewal_days)
    _print_setup(ws)


def _heights(ws: Worksheet, wrapped: Sequence[tuple[int, float]]) -> None:
    """Rows whose wrapped text needs more than one line get the height for it."""
    if not wrapped:
        return
    for r, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        texts = [(cell_text(row[i]), w) for i, w in wrapped if i < len(row) and row[i]]
        height = L.row_height(texts)
        if height and ws.row_dimensions[r].height is None:
            ws.row_dimensions[r].height = height
            for cell in ws[r]:  # the row's other cells line up with its first line
                if not cell.alignment.vertical:
                    cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text, vertical="top")


def _validations(ws: Worksheet, spec: TabSpec, header: Sequence[str], leads: Sequence[str]) -> None:
    covered = " ".join(str(dv.sqref) for dv in ws.data_validations.dataValidation)
    for i, name in enumerate(header):
        values = L.choices_for(name, spec, leads)
        letter = L.col_letter(i)
        if not values or f"{letter}2:" in covered:
            continue
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(values) + '"',
            allow_blank=True,
            showErrorMessage=name != "Lead",
        )
        dv.add(f"{letter}2:{letter}{L.MAX_ROW}")
        ws.add_data_validation(dv)


def _highlights(ws: Worksheet, spec: TabSpec, header: Sequence[str], renewal_days: int) -> None:
    have = {r.formula[0] for rules in ws.conditional_formatting for r in rules.rules if r.formula}
    for h in L.highlights(spec, header, renewal_days):
        if h.formula in have:
            continue
        fill = PatternFill("solid", fgColor=h.fill, bgColor=h.fill)
        ws.conditional_formatting.add(h.sqref(), FormulaRule(formula=[h.formula], fill=fill))


def _print_setup(ws: Worksheet) -> None:
    if ws.page_setup.orientation is None:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 9
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    if not ws.print_title_rows:
        ws.print_title_rows = "1:1"


def _chart(ws: Worksheet) -> None:
    ws._charts = []  # the Dashboard is the sync's: its chart is drawn afresh
    rows = {cell_text(ws.cell(row=r, column=1).value): r for r in range(2, ws.max_row + 1)}
    steps = [rows.get(f"Step {s}") for s in range(1, 6)]
    first = steps[0]
    if first is None or steps != list(range(first, first + 5)):
        return
    chart = BarChart()
    chart.type = "col"
    chart.title = "Schools per step"
    chart.y_axis.title = "Schools"
    chart.x_axis.title = "Step"
    chart.legend = None
    chart.add_data(
        Reference(ws, min_col=2, min_row=first, max_row=first + 4), titles_from_data=False
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=first + 4))
    chart.width, chart.height = 12.7, 7.6
    ws.add_chart(chart, f"{L.col_letter(ws.max_column + 1)}2")


def upgrade(
    data: bytes | None,
    tabs: Sequence[TabSpec],
    plans: Mapping[str, TabPlan],
    found: Mapping[str, Found],
    leads: Sequence[str],
    renewal_days: int,
) -> tuple[bytes, int]:
    """The workbook with every tab present and laid out and the plans applied; cells written."""
    wb: Workbook = openpyxl.load_workbook(io.BytesIO(data)) if data else openpyxl.Workbook()
    sheets: dict[str, Worksheet] = {}
    for i, spec in enumerate(tabs):
        f = found.get(spec.name)
        if f is not None:
            sheets[spec.name] = wb[f.sheet]
            continue
        ws = wb.create_sheet(spec.name, index=min(i, len(wb.sheetnames)))
        for j, c in enumerate(L.display_order(spec), start=1):
            ws.cell(row=1, column=j, value=c.name)
        sheets[spec.name] = ws
    written = sum(_apply_tab(sheets[p.tab], _spec(tabs, p.tab), p) for p in plans.values())
    for spec in tabs:
        f = found.get(spec.name)
        if f is None or not f.laid_out:
            ws = sheets[spec.name]
            lay_out(ws, spec, leads, renewal_days)
            if spec.name == "Dashboard":
                _chart(ws)
            for old in [n for n in wb.defined_names if n.endswith("_" + L.tab_slug(spec.name))]:
                if L.MARKER.match(old):
                    del wb.defined_names[old]
            name = L.marker_name(spec.name)
            wb.defined_names[name] = DefinedName(name, attr_text=f"'{ws.title}'!$A$1")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), written


def _spec(tabs: Sequence[TabSpec], name: str) -> TabSpec:
    return next(t for t in tabs if t.name == name)
