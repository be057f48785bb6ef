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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from xml.sax.saxutils import escape

import docx
import reportlab
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Emu
from docx.text.paragraph import Paragraph as DocxParagraph
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

FONT = "SosLetter"
_SYSTEM_FONTS = Path("/usr/share/fonts/truetype/dejavu")
_ALIGN = {"CENTER": TA_CENTER, "RIGHT": TA_RIGHT, "JUSTIFY": TA_JUSTIFY, "BOTH": TA_JUSTIFY}
_HEADING_SIZES = {"Title": 26.0, "Heading 1": 18.0, "Heading 2": 14.0, "Heading 3": 12.0}
# DejaVu/Vera run about a tenth wider than Calibri, the templates' font: scaling the sizes
# keeps the PDF's lines and pages close to what Word shows.
_NARROWER = 0.9
_A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R_EMBED = qn("r:embed")
_WP_NS = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


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


def _pt(emu: int | None, default: float = 0.0) -> float:
    return Emu(emu).pt if emu is not None else default


@dataclass
class _Layout:
    """What converting one story (body, header or footer) needs to know."""

    doc: Document
    part: Any
    width: float
    fields: dict[str, str]
    numbering: int = 0


def docx_to_pdf(data: bytes) -> bytes:
    """The PDF copy of a .docx our templates rendered (see the module docstring)."""
    doc = docx.Document(io.BytesIO(data))
    _fonts()
    first, pages = _build(doc, total="1")
    return first if pages == 1 else _build(doc, total=str(pages))[0]


def _build(doc: Document, total: str) -> tuple[bytes, int]:
    sec = doc.sections[0]
    page = (_pt(sec.page_width, 595.3), _pt(sec.page_height, 841.9))
    left, right = _pt(sec.left_margin, 72), _pt(sec.right_margin, 72)
    top, bottom = _pt(sec.top_margin, 72), _pt(sec.bottom_margin, 72)
    width = page[0] - left - right

    def story(part: Any, page_no: int = 1) -> list[Flowable]:
        """Flowables of the body (`part` is the document) or of a header or footer."""
        layout = _Layout(doc, part.part, width, {"PAGE": str(page_no), "NUMPAGES": total or "1"})
        return list(_blocks(doc.element.body if part is doc else part._element, layout))

    header = story(sec.header) if not sec.header.is_linked_to_previous else []
    footer_of: Callable[[int], list[Flowable]] = (
        (lambda n: story(sec.footer, n)) if not sec.footer.is_linked_to_previous else (lambda n: [])
    )
    head_top = _pt(sec.header_distance, 36)
    head_h = _height(header, width)
    foot_h = _height(footer_of(1), width)
    body_top = max(top, head_top + head_h + 8 if header else top)
    body_bottom = max(bottom, _pt(sec.footer_distance, 36) + foot_h + 6 if foot_h else bottom)

    def on_page(canvas: Canvas, _doc: Any) -> None:
        _page_border(canvas, sec, page)
        if header:
            Frame(left, page[1] - head_top - head_h - 4, width, head_h + 4, 0, 0, 0, 0).addFromList(
                story(sec.header), canvas
            )
        foot = footer_of(canvas.getPageNumber())
        if foot:
            Frame(left, _pt(sec.footer_distance, 36), width, foot_h + 4, 0, 0, 0, 0).addFromList(
                foot, canvas
            )

    out = io.BytesIO()
    frame = Frame(left, body_bottom, width, page[1] - body_top - body_bottom, 0, 0, 0, 0)
    title = doc.core_properties.title or ""
    pdf = BaseDocTemplate(
        out,
        pagesize=page,
        title=title,
        author=doc.core_properties.author or "",
        creator="sos-sync",
        invariant=1,  # no timestamp or random id: the same .docx gives the same PDF
    )
    pdf.addPageTemplates([PageTemplate("page", [frame], onPage=on_page)])
    pdf.build(story(doc))
    return out.getvalue(), pdf.page


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


def _blocks(parent: Any, layout: _Layout) -> Iterator[Flowable]:
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield from _paragraph(child, layout)
        elif child.tag == qn("w:tbl"):
            yield _table(child, layout)


def _style_name(p: Any, layout: _Layout) -> str:
    ppr = p.pPr
    sid = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
    if sid is None:
        return "Normal"
    try:
        return str(layout.doc.styles.get_by_id(sid, 1).name)  # 1: WD_STYLE_TYPE.PARAGRAPH
    except (KeyError, ValueError):
        return "Normal"


def _paragraph(p: Any, layout: _Layout) -> Iterator[Flowable]:
    para = DocxParagraph(p, cast(Any, None))  # only read: no parent part needed
    name = _style_name(p, layout)
    try:
        style_obj = layout.doc.styles[name]
    except KeyError:
        style_obj = None
    fmt = para.paragraph_format
    sfmt = style_obj.paragraph_format if style_obj is not None else None
    after = _pt(fmt.space_after, _pt(sfmt.space_after, 6) if sfmt else 6)
    before = _pt(fmt.space_before, _pt(sfmt.space_before, 0) if sfmt else 0)
    align = str(para.alignment or (sfmt.alignment if sfmt else None) or "LEFT").split(" ")[0]
    heading = name in _HEADING_SIZES
    keep = heading or bool(fmt.keep_with_next or (sfmt is not None and sfmt.keep_with_next))
    base = _HEADING_SIZES.get(name, 11.0) * _NARROWER
    colour = _style_colour(style_obj)
    markup, biggest, images = _runs(p, layout, base, bold=heading)
    for blob in images:
        img = _image(blob, layout)
        if img is not None:
            img.hAlign = {"CENTER": "CENTER", "RIGHT": "RIGHT"}.get(align, "LEFT")
            yield img
    if name.startswith("List Number"):
        layout.numbering += 1
    elif markup.strip():
        layout.numbering = 0
    if not markup.strip() and images:
        return
    listed = name.startswith("List")
    style = ParagraphStyle(
        name,
        fontName=FONT,
        fontSize=base,
        leading=max(base, biggest) * 1.25,
        spaceBefore=before,
        spaceAfter=after,
        alignment=_ALIGN.get(align.upper(), TA_LEFT),
        textColor=colour,
        leftIndent=18 if listed else 0,
        bulletIndent=6 if listed else 0,
        keepWithNext=1 if keep else 0,
    )
    bullet = None
    if name.startswith("List Bullet"):
        bullet = "•"
    elif name.startswith("List Number"):
        bullet = f"{layout.numbering}."
    rule = p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}") is not None
    if markup or not rule:  # an empty paragraph that only draws a rule is just the rule
        yield Paragraph(markup or "&nbsp;", style, bulletText=bullet)
    if rule:
        yield HRFlowable(width="100%", thickness=1, color=colors.HexColor("#1F5F6B"), spaceAfter=6)


def _style_colour(style: Any) -> Any:
    rgb = style.font.color.rgb if style is not None and style.font.color.type else None
    return colors.HexColor(f"#{rgb}") if rgb is not None else colors.black


def _runs(
    p: Any, layout: _Layout, base: float, bold: bool
) -> tuple[str, float, list[tuple[bytes, float]]]:
    """The paragraph's text as reportlab markup, its largest font size, its images."""
    parts: list[str] = []
    images: list[tuple[bytes, float]] = []
    biggest = base
    for el in p.iter(qn("w:r")):
        rpr = el.rPr
        field = el.getparent().get(qn("w:instr"), "").split()
        text = escape(layout.fields.get(field[0], "")) if field else "".join(
            "<br/>" if c.tag in (qn("w:br"), qn("w:cr")) else "    " if c.tag == qn("w:tab")
            else escape(c.text or "") if c.tag == qn("w:t") else ""
            for c in el.iterchildren()
        )  # fmt: skip
        images.extend(_blips(el, layout))
        if not text:
            continue
        size = _pt(rpr.sz.val, base) * _NARROWER if rpr is not None and rpr.sz is not None else base
        biggest = max(biggest, size)
        fmt = f'<font size="{size:g}"' + (
            f' color="#{rpr.color.val}"' if rpr is not None and rpr.color is not None
            and str(rpr.color.val) not in ("auto", "None") else ""
        ) + ">"  # fmt: skip
        b = bold or (rpr is not None and rpr.b is not None and rpr.b.val is not False)
        i = rpr is not None and rpr.i is not None and rpr.i.val is not False
        text = f"{fmt}{text}</font>"
        if b:
            text = f"<b>{text}</b>"
        if i:
            text = f"<i>{text}</i>"
        link = _href(el, layout)
        if link:
            text = f'<a href="{escape(link)}"><u>{text}</u></a>'
        parts.append(text)
    return "".join(parts), biggest, images


def _href(run: Any, layout: _Layout) -> str:
    parent = run.getparent()
    if parent.tag != qn("w:hyperlink"):
        return ""
    rid = parent.get(qn("r:id"))
    rel = layout.part.rels.get(rid) if rid else None
    return str(rel.target_ref) if rel is not None and rel.is_external else ""


def _blips(run: Any, layout: _Layout) -> Iterator[tuple[bytes, float]]:
    """Each inline image's bytes and its height in the document (points)."""
    for drawing in run.iter(qn("w:drawing")):
        extent = drawing.find(f".//{_WP_NS}extent")
        height = _pt(int(extent.get("cy")), 52.0) if extent is not None else 52.0
        for blip in drawing.iter(f"{_A_NS}blip"):
            rid = blip.get(_R_EMBED)
            rel = layout.part.rels.get(rid) if rid else None
            if rel is not None and not rel.is_external:
                yield rel.target_part.blob, height


def _image(found: tuple[bytes, float], layout: _Layout) -> Image | None:
    blob, height = found
    try:
        img = Image(io.BytesIO(blob))
    except (OSError, ValueError):
        return None
    w = img.imageWidth * height / max(1, img.imageHeight)
    if w > layout.width:
        w, height = layout.width, layout.width * img.imageHeight / max(1, img.imageWidth)
    img.drawWidth, img.drawHeight = w, height
    return img


def _table(tbl: Any, layout: _Layout) -> Table:
    grid = [float(c.get(qn("w:w"), "0")) / 20 for c in tbl.iter(qn("w:gridCol"))]
    total = sum(grid) or 1.0
    widths = [g * min(1.0, layout.width / total) for g in grid] or None
    rows: list[list[list[Flowable]]] = []
    header_rows = 0
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
    for r, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        if tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None and r == header_rows:
            header_rows += 1
        row = []
        for c, tc in enumerate(tr.iterchildren(qn("w:tc"))):
            cell_width = widths[c] - 10 if widths and c < len(widths) else layout.width / 3
            inner = _Layout(layout.doc, layout.part, cell_width, layout.fields)
            row.append(list(_blocks(tc, inner)))
            shd = tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
            fill = shd.get(qn("w:fill")) if shd is not None else None
            if fill and fill != "auto":
                commands.append(("BACKGROUND", (c, r), (c, r), colors.HexColor("#" + fill)))
        rows.append(row)
    borders = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
    none = borders is not None and all(e.get(qn("w:val")) in ("nil", "none") for e in borders)
    if not none:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#8C9AA0")))
    table = Table(rows, colWidths=widths, repeatRows=header_rows, hAlign="CENTER")
    table.setStyle(TableStyle(commands))
    return table
