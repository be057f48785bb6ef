"""The tracker as a real `.xlsx` workbook that Excel and LibreOffice open (SPEC §4, §9).

Reading uses calamine (fast, read-only); writing uses openpyxl on the whole workbook,
so leads' formatting, extra columns and notes stay, and saves atomically. Form text
is written as explicit text cells with Excel's quote prefix, so `=HYPERLINK(...)`
typed into a form is shown as text and stays text even when a lead edits the cell.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from sos_sync.errors import Permanent
from sos_sync.files import atomic_write_bytes
from sos_sync.tracker.schema import CellWrite, TabData, TabPlan, TabSpec, cell_text

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
HEADER_FONT = Font(bold=True)
LEAD_FILL = PatternFill("solid", fgColor="FFF2CC")  # lead columns: pale yellow headers
MACHINE_FILL = PatternFill("solid", fgColor="DDEBF7")  # machine columns: pale blue headers

CHOICES = {
    "Step override": '"1,2,3,4,5"',
    "Resolved": '"Yes,No"',
    "Ready": '"Yes,No"',
    "Attended": '"Yes,No"',
}


def read_workbook(path: Path, tabs: Sequence[TabSpec]) -> dict[str, TabData | None]:
    """Every tab as text cells; a tab the workbook lacks is None."""
    out: dict[str, TabData | None] = {t.name: None for t in tabs}
    if not path.exists():
        return out
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for a damaged or foreign file
        raise Permanent(
            f"{path} cannot be read as a workbook ({exc}). Is it damaged, or saved in another "
            "format? Restore the latest snapshot from backups/ (see `sos-sync restore-check`)."
        ) from exc
    names = set(wb.sheet_names)
    for t in tabs:
        if t.name not in names:
            continue
        rows = wb.get_sheet_by_name(t.name).to_python(skip_empty_area=False)
        if not rows:
            out[t.name] = TabData([], [])
            continue
        text = [[cell_text(v) for v in row] for row in rows]
        out[t.name] = TabData(text[0], text[1:])
    return out


def _set(cell: Any, value: str, kind: str) -> None:
    if value == "":
        cell.value = None
        return
    if kind == "date":
        try:
            cell.value = dt.date.fromisoformat(value)
            cell.number_format = "yyyy-mm-dd"
            return
        except ValueError:
            pass
    if kind == "int" and value.lstrip("-").isdigit():
        cell.value = int(value)
        return
    cell.value = value
    cell.data_type = "s"  # never a formula, whatever the text starts with
    if kind == "form" or value.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


class XlsxTracker:
    """`tracker.xlsx` in the workspace."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read_tabs(self, tabs: Sequence[TabSpec]) -> dict[str, TabData | None]:
        return read_workbook(self.path, tabs)

    def _open(self) -> Workbook:
        if self.path.exists():
            return openpyxl.load_workbook(self.path)
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        return wb

    def apply(self, tabs: Sequence[TabSpec], plans: Sequence[TabPlan]) -> int:
        """Write every plan into the workbook and save it atomically; return cells written."""
        if not plans and self.path.exists():
            return 0
        wb = self._open()
        specs = {t.name: t for t in tabs}
        for i, spec in enumerate(tabs):
            if spec.name not in wb.sheetnames:
                ws = wb.create_sheet(spec.name, index=min(i, len(wb.sheetnames)))
                ws.freeze_panes = "B2"
        written = 0
        for plan in plans:
            written += self._apply_tab(wb[plan.tab], specs[plan.tab], plan)
        for spec in tabs:
            self._decorate(wb[spec.name], spec)
        self._chart(wb)
        buf = io.BytesIO()
        wb.save(buf)
        atomic_write_bytes(self.path, buf.getvalue())
        return written

    def _apply_tab(self, ws: Worksheet, spec: TabSpec, plan: TabPlan) -> int:
        header = [cell_text(c.value) for c in next(ws.iter_rows(min_row=1, max_row=1), ())]
        cols = {h: i + 1 for i, h in reversed(list(enumerate(header))) if h}
        while header and header[-1] == "":
            header.pop()
        written = 0
        next_col = len(header) + 1
        for name in plan.add_headers:
            if name in cols:
                continue
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
            k = cell_text(v)
            if k:
                rows.setdefault(k, n)
        last = max(ws.max_row or 1, 1)
        for row in plan.rows:
            r = rows.get(row.key)
            if r is None:
                last += 1
                r = last
                rows[row.key] = r
            for cw in row.cells:
                self._write(ws, r, cols, cw)
                written += 1
        return written

    @staticmethod
    def _write(ws: Worksheet, r: int, cols: dict[str, int], cw: CellWrite) -> None:
        _set(ws.cell(row=r, column=cols[cw.column]), cw.value, cw.kind)

    @staticmethod
    def _decorate(ws: Worksheet, spec: TabSpec) -> None:
        owners = {c.name: c.owner for c in spec.columns}
        existing = {str(dv.sqref) for dv in ws.data_validations.dataValidation}
        for cell in ws[1]:
            name = cell_text(cell.value)
            if name not in owners:
                continue
            cell.font = HEADER_FONT
            cell.fill = LEAD_FILL if owners[name] == "lead" else MACHINE_FILL
            letter = get_column_letter(cell.column)
            if ws.column_dimensions[letter].width in (None, 13.0):
                ws.column_dimensions[letter].width = max(12, min(40, len(name) + 4))
            if owners[name] == "lead" and name in CHOICES:
                coord = f"{letter}2:{letter}5000"  # Excel needs a bounded range
                if coord not in existing:
                    dv = DataValidation(type="list", formula1=CHOICES[name], allow_blank=True)
                    dv.add(coord)
                    ws.add_data_validation(dv)

    @staticmethod
    def _chart(wb: Workbook) -> None:
        if "Dashboard" not in wb.sheetnames:
            return
        ws = wb["Dashboard"]
        ws._charts = []  # openpyxl does not read charts back: draw it afresh on each save
        rows = {cell_text(ws.cell(row=r, column=1).value): r for r in range(2, ws.max_row + 1)}
        steps = [rows.get(f"Step {s}") for s in range(1, 6)]
        if None in steps or [s for s in steps if s is not None] != list(
            range(steps[0] or 0, (steps[0] or 0) + 5)
        ):
            return
        first = steps[0] or 2
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
        chart.width, chart.height = 16, 8
        ws.add_chart(chart, "E2")
