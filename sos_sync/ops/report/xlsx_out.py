"""The tables behind every chart and figure, one sheet each, as an .xlsx workbook.

Text that would start a formula in a spreadsheet is escaped, as `sos-sync export` does.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd

from .source import escape_cell


def _cell(v: object) -> object:
    if isinstance(v, str):
        return escape_cell(v)
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, float) and pd.isna(v):
        return None
    if hasattr(v, "item") and not isinstance(v, dt.date):
        return v.item()
    return v


def render_xlsx(tables: dict[str, pd.DataFrame]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, table in tables.items():
        ws = wb.create_sheet(name[:31])
        ws.append([str(c) for c in table.columns])
        for values in table.itertuples(index=False):
            ws.append([_cell(v) for v in values])
        for i, col in enumerate(table.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in table[col].head(200)])
            ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = min(width + 2, 60)
            for row in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                if isinstance(row[0].value, dt.date):
                    row[0].number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
