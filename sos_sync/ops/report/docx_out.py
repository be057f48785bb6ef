"""The report as a Word document (.docx), with the charts as pictures."""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Cm, Pt

from .layout import Block


def render_docx(blocks: list[Block]) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    doc.styles["Normal"].font.size = Pt(10.5)
    for b in blocks:
        if b.kind == "title":
            doc.add_heading(b.text, level=0)
        elif b.kind == "h2":
            doc.add_heading(b.text, level=1)
        elif b.kind == "h3":
            doc.add_heading(b.text, level=2)
        elif b.kind in ("p", "subtitle"):
            doc.add_paragraph(b.text)
        elif b.kind == "note":
            doc.add_paragraph().add_run(b.text).italic = True
        elif b.kind == "table" and b.table is not None:
            t = b.table
            table = doc.add_table(rows=1, cols=len(t.columns))
            table.style = "Light Grid Accent 1"
            for cell, name in zip(table.rows[0].cells, t.columns, strict=True):
                cell.text = str(name)
            for values in t.itertuples(index=False):
                for cell, v in zip(table.add_row().cells, values, strict=True):
                    cell.text = str(v)
            doc.add_paragraph()
        elif b.kind == "chart" and b.chart is not None and b.chart.png is not None:
            doc.add_picture(io.BytesIO(b.chart.png), width=Cm(16.5))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
