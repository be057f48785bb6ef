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
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.simpletypes import ST_HpsMeasure, ST_OnOff, ST_TwipsMeasure
from docx.shared import Emu, RGBColor
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
# the XML names read for every paragraph and run, spelled out once (not looked up each time)
_PPR, _PSTYLE, _SPACING, _JC, _KEEP_NEXT = (
    qn(t) for t in ("w:pPr", "w:pStyle", "w:spacing", "w:jc", "w:keepNext")
)
_R, _RPR, _SZ, _COLOR, _B, _I = (qn(t) for t in ("w:r", "w:rPr", "w:sz", "w:color", "w:b", "w:i"))
_VAL, _AFTER, _BEFORE, _INSTR = qn("w:val"), qn("w:after"), qn("w:before"), qn("w:instr")
_T, _TAB, _BREAKS, _HYPERLINK = qn("w:t"), qn("w:tab"), (qn("w:br"), qn("w:cr")), qn("w:hyperlink")


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
    ppr = p.find(_PPR)
    named = ppr.find(_PSTYLE) if ppr is not None else None
    sid = named.get(_VAL) if named is not None else None
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
    ppr = p.find(_PPR)
    if ppr is not None:  # the paragraph's own formatting, over its style's
        spacing = ppr.find(_SPACING)
        if spacing is not None:
            after, before = _twips(spacing.get(_AFTER), after), _twips(spacing.get(_BEFORE), before)
        jc = ppr.find(_JC)
        if jc is not None and jc.get(_VAL) is not None:
            align = WD_ALIGN_PARAGRAPH.from_xml(jc.get(_VAL)) or align  # LEFT (0): the style's
        keep = _on(ppr.find(_KEEP_NEXT)) or keep
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
        yield KeptParagraph(text, parsed_style, bulletText=bullet, frags=frags)
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


_BROKEN: dict[tuple[int, str | None, float], tuple[list[Any], dict[str, Any]]] = {}
_BROKEN_KEPT = 4096
_WRAPPED = ("blPara", "width", "height", "_wrapWidths", "_width_max", "_hyphenations")


class KeptParagraph(Paragraph):  # type: ignore[misc]  # reportlab has no type hints
    """A paragraph whose line breaking is kept: wrapped again at the same width (a table
    sizing its rows, then drawing them) or with the same parsed text and look in the next
    letter (the boilerplate the letters from one template share), it is not broken into
    lines again. Paragraphs reportlab splits across pages are broken as usual."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if getattr(self, "_splitpara", False):  # a piece reportlab split off: its own lines
            return cast(tuple[float, float], super().wrap(availWidth, availHeight))
        key = (id(self.frags), self.bulletText, availWidth)  # the frags: `_parsed`'s, shared
        found = _BROKEN.get(key)
        if found is None or found[0] is not self.frags:
            size = super().wrap(availWidth, availHeight)
            if len(_BROKEN) >= _BROKEN_KEPT:
                _BROKEN.clear()
            _BROKEN[key] = (self.frags, {a: getattr(self, a) for a in _WRAPPED if hasattr(self, a)})
            return cast(tuple[float, float], size)
        for name, value in found[1].items():
            setattr(self, name, list(value) if name == "_wrapWidths" else value)
        return self.width, self.height


def _runs(
    p: Any, layout: Layout, base: float, bold: bool
) -> tuple[str, float, list[tuple[bytes, float]]]:
    """The paragraph's text as reportlab markup, its largest font size, its images."""
    parts: list[str] = []
    images: list[tuple[bytes, float]] = []
    biggest = base
    for el in p.iter(_R):
        field = el.getparent().get(_INSTR, "").split()
        text = escape(layout.fields.get(field[0], "")) if field else "".join(
            "<br/>" if c.tag in _BREAKS else "    " if c.tag == _TAB
            else escape(c.text or "") if c.tag == _T else ""
            for c in el.iterchildren()
        )  # fmt: skip
        images.extend(_blips(el, layout))
        if not text:
            continue
        rpr = el.find(_RPR)
        sz = rpr.find(_SZ) if rpr is not None else None
        half_points = sz.get(_VAL) if sz is not None else None
        size = pt(ST_HpsMeasure.convert_from_xml(half_points)) * _NARROWER if half_points else base
        biggest = max(biggest, size)
        colour = _colour(rpr.find(_COLOR) if rpr is not None else None)
        fmt = f'<font size="{size:g}"' + (f' color="#{colour}"' if colour else "") + ">"
        b = bold or (rpr is not None and _on(rpr.find(_B)))
        i = rpr is not None and _on(rpr.find(_I))
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
    if parent.tag != _HYPERLINK:
        return ""
    rid = parent.get(qn("r:id"))
    rel = layout.part.rels.get(rid) if rid else None
    return str(rel.target_ref) if rel is not None and rel.is_external else ""


def _twips(value: str | None, default: float) -> float:
    return pt(ST_TwipsMeasure.convert_from_xml(value)) if value is not None else default


def _on(flag: Any) -> bool:
    """A Word on/off property (`w:b`, `w:keepNext`, ...): on when present without a value."""
    return flag is not None and ST_OnOff.convert_from_xml(flag.get(_VAL, "1"))


def _colour(element: Any) -> str | None:
    """A run's colour as "RRGGBB", or None for none or "auto"."""
    value = element.get(_VAL) if element is not None else None
    return None if value in (None, "auto") else str(RGBColor.from_string(value))


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
