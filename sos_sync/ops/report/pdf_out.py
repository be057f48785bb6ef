"""The report as a PDF (fpdf2, pure Python), with the charts as images.

Text is set in DejaVu Sans, the font that ships inside matplotlib, so school names
with apostrophes, dashes or accents print as typed on any machine.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL import Image

from .layout import Block

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
BLUE = (8, 81, 156)


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 8, f"Page {self.page_no()}/{{nb}}", align="C")


def _table(pdf: FPDF, block: Block) -> None:
    t = block.table
    assert t is not None
    pdf.set_font("DejaVu", size=8.5)
    pdf.set_text_color(0, 0, 0)
    # Each column as wide as its longest text (within limits), the table no wider than the page.
    longest = [max([len(str(c))] + [len(str(v)) for v in t[c].head(300)]) for c in t.columns]
    widths = tuple(min(max(5 + 1.8 * n, 18), 90) for n in longest)
    if sum(widths) > pdf.epw:
        widths = tuple(w * pdf.epw / sum(widths) for w in widths)
    with pdf.table(
        headings_style=FontFace(emphasis="BOLD", fill_color=(238, 244, 251)),
        line_height=5,
        padding=1.2,
        text_align="LEFT",
        width=sum(widths),
        col_widths=widths,
        align="LEFT",
    ) as table:
        table.row([str(c) for c in t.columns])
        for values in t.itertuples(index=False):
            table.row([str(v) for v in values])
    pdf.ln(3)


def _chart_height(pdf: FPDF, following: list[Block]) -> float:
    """The height (mm) of the chart that follows a heading, drawn page-wide (0 if none)."""
    chart = following[0].chart if following and following[0].kind == "chart" else None
    if chart is None or chart.png is None:
        return 0.0
    with Image.open(io.BytesIO(chart.png)) as im:
        w, h = im.size
    return float(pdf.epw * h / w)


def render_pdf(blocks: list[Block]) -> bytes:
    pdf = _Pdf(format="A4")
    pdf.set_margins(16, 16, 16)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(FONTS / "DejaVuSans-Oblique.ttf"))
    pdf.add_page()
    sizes = {"title": 16, "h2": 13, "h3": 10.5}
    for i, b in enumerate(blocks):
        if b.kind in sizes:
            if (
                pdf.get_y() + 12 + _chart_height(pdf, blocks[i + 1 : i + 2])
                > pdf.page_break_trigger
            ):
                pdf.add_page()  # a heading stays with the chart under it
            pdf.ln(3 if b.kind != "title" else 0)
            pdf.set_font("DejaVu", "B", sizes[b.kind])
            pdf.set_text_color(*(BLUE if b.kind != "h3" else (0, 0, 0)))
            pdf.multi_cell(0, sizes[b.kind] * 0.5, b.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif b.kind in ("p", "subtitle", "note"):
            pdf.set_font("DejaVu", "I" if b.kind == "note" else "", 9.5)
            pdf.set_text_color(*((85, 85, 85) if b.kind != "p" else (0, 0, 0)))
            pdf.multi_cell(0, 5, b.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif b.kind == "table":
            _table(pdf, b)
        elif b.kind == "chart" and b.chart is not None and b.chart.png is not None:
            pdf.image(io.BytesIO(b.chart.png), w=pdf.epw)
            pdf.ln(3)
    return bytes(pdf.output())
