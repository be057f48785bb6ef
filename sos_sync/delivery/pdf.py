"""PDF copies of our documents with no system install: the rendered .docx laid out by reportlab.

`docx_to_pdf` reads the .docx our templates render (python-docx) and lays out what they
use: paragraphs with Word's styles (Heading 1-3, List Bullet, List Number, alignment,
bold/italic/size/colour runs, line breaks, hyperlinks, a bottom rule), inline images,
tables with their grid widths, cell shading, repeating header rows and rows that never
split, the header and footer on every page (with PAGE / NUMPAGES fields), page size,
orientation, margins and page borders. It is not a general Word renderer: a template a
lead rebuilds with text boxes or columns comes out as plain flowing text, still complete.

Fonts: DejaVu Sans when the machine has it (wide Unicode coverage), else the Bitstream
Vera fonts that ship inside reportlab, so a fresh machine needs nothing installed.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import reportlab
from docx.oxml.ns import qn
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from sos_sync.delivery.docx_story import FONT, Layout, blocks, pt, style_sheet

_SYSTEM_FONTS = Path("/usr/share/fonts/truetype/dejavu")


@functools.cache
def _fonts() -> str:
    """Register the letter font family once; its name."""
    faces = {
        "": ("DejaVuSans.ttf", "Vera.ttf"),
        "-Bold": ("DejaVuSans-Bold.ttf", "VeraBd.ttf"),
        "-Italic": ("DejaVuSans-Oblique.ttf", "VeraIt.ttf"),
        "-BoldItalic": ("DejaVuSans-BoldOblique.ttf", "VeraBI.ttf"),
    }
    shipped = Path(reportlab.__file__).parent / "fonts"
    use_system = all((_SYSTEM_FONTS / s).exists() for s, _ in faces.values())
    for suffix, (system, vera) in faces.items():
        path = _SYSTEM_FONTS / system if use_system else shipped / vera
        pdfmetrics.registerFont(TTFont(FONT + suffix, str(path)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT + "-Bold", italic=FONT + "-Italic",
        boldItalic=FONT + "-BoldItalic",
    )  # fmt: skip
    return FONT


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """A canvas that finishes its pages at the end, when their number is known: the footer
    ("Page 2 of 3") is drawn then, so the document is laid out once."""

    def __init__(self, *args: Any, footer: Callable[[Canvas, int], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer  # draws the footer of the current page, given the page count
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for page in self._pages:
            self.__dict__.update(page)
            self._footer(self, len(self._pages))
            super().showPage()
        super().save()


def docx_to_pdf(data: bytes) -> bytes:
    """The PDF copy of a .docx our templates rendered (see the module docstring)."""
    doc = docx.Document(io.BytesIO(data))
    _fonts()
    sec = doc.sections[0]
    page = (pt(sec.page_width, 595.3), pt(sec.page_height, 841.9))
    left, right = pt(sec.left_margin, 72), pt(sec.right_margin, 72)
    top, bottom = pt(sec.top_margin, 72), pt(sec.bottom_margin, 72)
    width = page[0] - left - right
    styles = style_sheet(data, doc)

    def story(part: Any, page_no: int = 1, total: int = 1) -> list[Flowable]:
        """Flowables of the body (`part` is the document) or of a header or footer."""
        fields = {"PAGE": str(page_no), "NUMPAGES": str(total)}
        layout = Layout(doc, part.part, width, fields, styles)
        return list(blocks(doc.element.body if part is doc else part._element, layout))

    header = story(sec.header) if not sec.header.is_linked_to_previous else []
    footed = not sec.footer.is_linked_to_previous
    head_top, foot_bottom = pt(sec.header_distance, 36), pt(sec.footer_distance, 36)
    head_h = _height(header, width)
    foot_h = _height(story(sec.footer), width) if footed else 0.0
    body_top = max(top, head_top + head_h + 8 if header else top)
    body_bottom = max(bottom, foot_bottom + foot_h + 6 if foot_h else bottom)

    def on_page(canvas: Canvas, _doc: Any) -> None:
        _page_border(canvas, sec, page)
        if header:  # the same on every page: drawn once into a form the pages show
            if not canvas.hasForm("header"):
                canvas.beginForm("header")
                Frame(
                    left, page[1] - head_top - head_h - 4, width, head_h + 4, 0, 0, 0, 0
                ).addFromList(list(header), canvas)
                canvas.endForm()
            canvas.doForm("header")

    def footer(canvas: Canvas, total: int) -> None:
        foot = story(sec.footer, canvas.getPageNumber(), total) if footed else []
        if foot:
            Frame(left, foot_bottom, width, foot_h + 4, 0, 0, 0, 0).addFromList(foot, canvas)

    out = io.BytesIO()
    frame = Frame(left, body_bottom, width, page[1] - body_top - body_bottom, 0, 0, 0, 0)
    pdf = BaseDocTemplate(
        out,
        pagesize=page,
        title=doc.core_properties.title or "",
        author=doc.core_properties.author or "",
        creator="sos-sync",
        invariant=1,  # no timestamp or random id: the same .docx gives the same PDF
    )
    pdf.addPageTemplates([PageTemplate("page", [frame], onPage=on_page)])
    pdf.build(story(doc), canvasmaker=functools.partial(_NumberedCanvas, footer=footer))
    return out.getvalue()


def _height(flowables: list[Flowable], width: float) -> float:
    return float(sum(f.wrap(width, 10_000)[1] + f.getSpaceAfter() for f in flowables))


def _page_border(canvas: Canvas, sec: Any, page: tuple[float, float]) -> None:
    borders = sec._sectPr.find(qn("w:pgBorders"))
    if borders is None:
        return
    top = borders.find(qn("w:top"))
    if top is None:
        return
    space = float(top.get(qn("w:space"), "24"))
    colour = colors.HexColor("#" + top.get(qn("w:color"), "000000").replace("auto", "000000"))
    canvas.saveState()
    canvas.setStrokeColor(colour)
    insets = (space, space + 4) if top.get(qn("w:val")) == "double" else (space,)
    for i, inset in enumerate(insets):
        canvas.setLineWidth(2.0 if i == 0 else 0.8)
        canvas.rect(inset, inset, page[0] - 2 * inset, page[1] - 2 * inset)
    canvas.restoreState()
