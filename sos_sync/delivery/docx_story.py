"""A rendered .docx as reportlab flowables: what `sos_sync.delivery.pdf` lays out on pages.

One story at a time (the body, a header or a footer): paragraphs with their Word styles
(looked up once per style and document), runs as reportlab markup (parsed once per distinct
text and look, so the boilerplate the letters share is not parsed again), inline images,
tables, and the PAGE / NUMPAGES fields filled in from `Layout.fields`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast
from xml.sax.saxutils import escape

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Emu
from docx.text.paragraph import Paragraph as DocxParagraph
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, HRFlowable, Image, Paragraph, Table, TableStyle

FONT = "SosLetter"
_ALIGN = {"CENTER": TA_CENTER, "RIGHT": TA_RIGHT, "JUSTIFY": TA_JUSTIFY, "BOTH": TA_JUSTIFY}
_HEADING_SIZES = {"Title": 26.0, "Heading 1": 18.0, "Heading 2": 14.0, "Heading 3": 12.0}
# DejaVu/Vera run about a tenth wider than Calibri, the templates' font: scaling the sizes
# keeps the PDF's lines and pages close to what Word shows.
_NARROWER = 0.9
_A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R_EMBED = qn("r:embed")
_WP_NS = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_P, _TBL = qn("w:p"), qn("w:tbl")
_BOTTOM_RULE = f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}"


def pt(emu: int | None, default: float = 0.0) -> float:
    return Emu(emu).pt if emu is not None else default


@dataclass(frozen=True)
class ParaStyle:
    """What a paragraph takes from its Word style (looked up once per style and document)."""

    name: str
    after: float
    before: float
    align: Any
    keep: bool
    colour: str | None  # "RRGGBB", or None: black


@dataclass
class Layout:
    """What converting one story (body, header or footer) needs to know."""

    doc: Document
    part: Any
    width: float
    fields: dict[str, str]
    styles: dict[str | None, ParaStyle]  # by style id: the document's, shared by its stories
    numbering: int = 0


def blocks(parent: Any, layout: Layout) -> Iterator[Flowable]:
    for child in parent.iterchildren():
        if child.tag == _P:
            yield from _paragraph(child, layout)
        elif child.tag == _TBL:
            yield _table(child, layout)


_SHEETS: dict[bytes, dict[str | None, ParaStyle]] = {}
_SHEETS_KEPT = 16


def style_sheet(data: bytes, doc: Document) -> dict[str | None, ParaStyle]:
    """Where a document's paragraph styles are kept once looked up: shared by the documents
    with the same styles part (the letters from one template), keyed by its bytes."""
    try:
        member = doc.part.part_related_by(RT.STYLES).partname.membername
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            key = hashlib.sha256(zf.read(member)).digest()
    except (KeyError, zipfile.BadZipFile):
        return {}  # no styles part: looked up for this document only
    if key not in _SHEETS and len(_SHEETS) >= _SHEETS_KEPT:
        _SHEETS.clear()
    return _SHEETS.setdefault(key, {})


def _para_style(p: Any, layout: Layout) -> ParaStyle:
    """The paragraph's Word style, as far as the layout uses it (cached by style id)."""
    ppr = p.pPr
    sid = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
    found = layout.styles.get(sid)
    if found is None:
        found = layout.styles[sid] = _word_style(layout.doc, sid)
    return found


def _word_style(doc: Document, sid: str | None) -> ParaStyle:
    name = "Normal"
    if sid is not None:
        with contextlib.suppress(KeyError, ValueError):
            name = str(doc.styles.get_by_id(sid, 1).name)  # 1: WD_STYLE_TYPE.PARAGRAPH
    try:
        style_obj = doc.styles[name]
    except KeyError:
        style_obj = None
    sfmt = style_obj.paragraph_format if style_obj is not None else None
    rgb = style_obj.font.color.rgb if style_obj is not None and style_obj.font.color.type else None
    return ParaStyle(
        name,
        after=pt(sfmt.space_after, 6) if sfmt else 6,
        before=pt(sfmt.space_before, 0) if sfmt else 0,
        align=sfmt.alignment if sfmt else None,
        keep=bool(sfmt is not None and sfmt.keep_with_next),
        colour=str(rgb) if rgb is not None else None,
    )


def _paragraph(p: Any, layout: Layout) -> Iterator[Flowable]:
    st = _para_style(p, layout)
    name = st.name
    after, before, align, keep = st.after, st.before, st.align, st.keep
    if p.pPr is not None:  # the paragraph's own formatting, over its style's
        para = DocxParagraph(p, cast(Any, None))  # only read: no parent part needed
        fmt = para.paragraph_format
        after, before = pt(fmt.space_after, after), pt(fmt.space_before, before)
        align, keep = para.alignment or align, bool(fmt.keep_with_next or keep)
    align = str(align or "LEFT").split(" ")[0]
    heading = name in _HEADING_SIZES
    keep = heading or keep
    base = _HEADING_SIZES.get(name, 11.0) * _NARROWER
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
    style = _reportlab_style(
        name,
        base,
        max(base, biggest) * 1.25,
        before,
        after,
        _ALIGN.get(align.upper(), TA_LEFT),
        st.colour,
        listed,
        keep,
    )
    bullet = None
    if name.startswith("List Bullet"):
        bullet = "•"
    elif name.startswith("List Number"):
        bullet = f"{layout.numbering}."
    rule = p.find(_BOTTOM_RULE) is not None
    if markup or not rule:  # an empty paragraph that only draws a rule is just the rule
        text, parsed_style, frags = _parsed(markup or "&nbsp;", style)
        yield Paragraph(text, parsed_style, bulletText=bullet, frags=frags)
    if rule:
        yield HRFlowable(width="100%", thickness=1, color=colors.HexColor("#1F5F6B"), spaceAfter=6)


@functools.lru_cache(maxsize=512)
def _reportlab_style(
    name: str,
    size: float,
    leading: float,
    before: float,
    after: float,
    alignment: int,
    colour: str | None,
    listed: bool,
    keep: bool,
) -> ParagraphStyle:
    """One style object per look (the parsed paragraphs below are cached by it)."""
    return ParagraphStyle(
        name,
        fontName=FONT,
        fontSize=size,
        leading=leading,
        spaceBefore=before,
        spaceAfter=after,
        alignment=alignment,
        textColor=colors.HexColor(f"#{colour}") if colour else colors.black,
        leftIndent=18 if listed else 0,
        bulletIndent=6 if listed else 0,
        keepWithNext=1 if keep else 0,
    )


@functools.lru_cache(maxsize=8192)
def _parsed(markup: str, style: ParagraphStyle) -> tuple[str, ParagraphStyle, list[Any]]:
    """The paragraph markup parsed once: the same text in the next letter is not parsed
    again (reportlab reads the fragments only; laying them out leaves them as they were)."""
    parsed = Paragraph(markup, style)
    return parsed.text, parsed.style, parsed.frags


def _runs(
    p: Any, layout: Layout, base: float, bold: bool
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
        size = pt(rpr.sz.val, base) * _NARROWER if rpr is not None and rpr.sz is not None else base
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


def _href(run: Any, layout: Layout) -> str:
    parent = run.getparent()
    if parent.tag != qn("w:hyperlink"):
        return ""
    rid = parent.get(qn("r:id"))
    rel = layout.part.rels.get(rid) if rid else None
    return str(rel.target_ref) if rel is not None and rel.is_external else ""


def _blips(run: Any, layout: Layout) -> Iterator[tuple[bytes, float]]:
    """Each inline image's bytes and its height in the document (points)."""
    for drawing in run.iter(qn("w:drawing")):
        extent = drawing.find(f".//{_WP_NS}extent")
        height = pt(int(extent.get("cy")), 52.0) if extent is not None else 52.0
        for blip in drawing.iter(f"{_A_NS}blip"):
            rid = blip.get(_R_EMBED)
            rel = layout.part.rels.get(rid) if rid else None
            if rel is not None and not rel.is_external:
                yield rel.target_part.blob, height


def _image(found: tuple[bytes, float], layout: Layout) -> Image | None:
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


def _table(tbl: Any, layout: Layout) -> Table:
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
            inner = Layout(layout.doc, layout.part, cell_width, layout.fields, layout.styles)
            row.append(list(blocks(tc, inner)))
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
