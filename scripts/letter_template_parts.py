"""Building blocks of the shipped Word templates (used by scripts/make_letter_templates.py)."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

TEAL = RGBColor(0x1F, 0x5F, 0x6B)
GREY = RGBColor(0x59, 0x59, 0x59)
OUT = Path(__file__).resolve().parent.parent / "templates"


def base(landscape: bool = False) -> Document:
    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size in (("Heading 1", 18), ("Heading 2", 14), ("Heading 3", 12)):
        s = d.styles[name]
        s.font.name = "Calibri"
        s.font.size = Pt(size)
        s.font.color.rgb = TEAL
        s.paragraph_format.space_before = Pt(12 if name != "Heading 1" else 6)
        s.paragraph_format.space_after = Pt(4)
    sec = d.sections[0]
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(sec, side, Cm(1.8))
    else:
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(2.2)
        sec.top_margin, sec.bottom_margin = Cm(1.6), Cm(1.8)
        sec.header_distance = sec.footer_distance = Cm(0.9)
    d.core_properties.author = "sos-sync"
    d.core_properties.title = ""
    return d


def para(
    container: Document | object,
    text: str = "",
    style: str | None = None,
    *,
    bold: bool = False,
    size: float | None = None,
    color: RGBColor | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    after: float | None = None,
) -> Paragraph:
    p: Paragraph = container.add_paragraph(style=style)  # type: ignore[attr-defined]
    if text:
        r = p.add_run(text)
        r.bold = bold or None
        if size:
            r.font.size = Pt(size)
        if color is not None:
            r.font.color.rgb = color
    if align is not None:
        p.alignment = align
    if after is not None:
        p.paragraph_format.space_after = Pt(after)
    if bold and after == 2:  # a label over a list: never the last line of a page
        p.paragraph_format.keep_with_next = True
    return p


def rule_below(p: Paragraph) -> None:
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "8"), ("w:space", "4"), ("w:color", "1F5F6B")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def field(p: Paragraph, instr: str) -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    for tag, val in (("w:color", "595959"), ("w:sz", "16")):
        e = OxmlElement(tag)
        e.set(qn("w:val"), val)
        rpr.append(e)
    r.append(rpr)
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    p._p.append(fld)


def letterhead(d: Document) -> None:
    """Header: team name, address and e-mail on the left, the logo (if any) on the right;
    footer: the team and 'Page n of N'."""
    sec = d.sections[0]
    header = sec.header
    header.is_linked_to_previous = False
    t = header.add_table(1, 2, Cm(16.6))
    no_borders(t)
    widths(t, (Cm(13.1), Cm(3.5)))
    left, right = t.rows[0].cells
    para(left, "{{ team }}", bold=True, size=13, color=TEAL, after=1)
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    para(left, "{{ letterhead.contact|lines }}", size=9, color=GREY, after=0)
    logo = right.paragraphs[0]
    logo.add_run("{{ logo }}")
    logo.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.paragraphs[0]._p.getparent().remove(header.paragraphs[0]._p)
    rule_below(para(header, "", after=0))
    footer = sec.footer
    fp = footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = fp.add_run("{{ team }} · Schools of Sanctuary · Page ")
    run.font.size = Pt(8)
    run.font.color.rgb = GREY
    field(fp, "PAGE")
    r2 = fp.add_run(" of ")
    r2.font.size = Pt(8)
    r2.font.color.rgb = GREY
    field(fp, "NUMPAGES")


def no_borders(t: Table) -> None:
    tblpr = t._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    tblpr.append(borders)


def widths(t: Table, widths: tuple[object, ...]) -> None:
    t.autofit = False
    for i, w in enumerate(widths):
        t.columns[i].width = w
        for cell in t.columns[i].cells:
            cell.width = w


def row_flags(t: Table, header_rows: int = 1) -> None:
    """Rows never split across pages; the header row repeats on each page."""
    for i, row in enumerate(t.rows):
        trpr = row._tr.get_or_add_trPr()
        cant = OxmlElement("w:cantSplit")
        trpr.append(cant)
        if i < header_rows:
            h = OxmlElement("w:tblHeader")
            trpr.append(h)


def shade(cell: object, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def criteria_table(d: Document, last_header: str, last_field: str) -> None:
    """Code | Criterion | rating: criterion wide, the others narrow; a row never splits."""
    t = d.add_table(rows=4, cols=3)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(t, (Cm(1.6), Cm(11.4), Cm(3.6)))
    for cell, text in zip(t.rows[0].cells, ("Code", "Criterion", last_header), strict=True):
        cell.paragraphs[0].add_run(text).bold = True
        shade(cell, "DCEBEE")
    t.rows[1].cells[0].paragraphs[0].add_run("{%tr for c in criteria %}")
    row = t.rows[2].cells
    row[0].paragraphs[0].add_run("{{ c.code }}").bold = True
    row[1].paragraphs[0].add_run("{{ c.title|sentence }}")
    row[2].paragraphs[0].add_run(last_field)
    t.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    for r in t.rows:
        for c in r.cells:
            c.paragraphs[0].paragraph_format.space_after = Pt(2)
    row_flags(t)
    para(d, "", after=2)


def opening(d: Document, heading: str, intro_lines: list[str]) -> None:
    para(d, "{{ generated_on|long_date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(d, "{{ addressee }}", after=0)
    para(d, "{{ school.name }} (URN {{ school.urn }})")
    para(d, heading, "Heading 1")
    for line in intro_lines:
        para(d, line)


def sign_off(d: Document) -> None:
    para(d, "With best wishes,", after=18).paragraph_format.keep_with_next = True
    para(d, "{{ leads|names }}", bold=True, after=0).paragraph_format.keep_with_next = True
    para(d, "Schools of Sanctuary local leads, {{ team }}")
    para(d, "{%p if team_email %}", after=0)
    para(d, "Any questions? Email us at {{ team_email }}.")
    para(d, "{%p endif %}", after=0)


def bullets(d: Document, loop: str, item: str) -> None:
    para(d, f"{{%p for {loop} %}}")
    para(d, item, "List Bullet")
    para(d, "{%p endfor %}")


def resources(d: Document, var: str, condition: str) -> None:
    para(d, f"{{%p if {condition} %}}")
    para(d, "Resources", bold=True, after=2)
    bullets(d, f"r in {var}.resources", "{{r r|link }}")
    para(d, "{%p endif %}")


_STYLE_REFS = ("w:pStyle", "w:rStyle", "w:tblStyle", "w:numStyleLink", "w:styleLink")


def slim(d: Document) -> None:
    """Drop what python-docx's default template carries and a letter never uses: the
    800 KB of style definitions (a 438 KB `stylesWithEffects` part for Word 2010, latent
    style settings, some 150 unused styles) and a thumbnail of a blank page. Every letter
    made from a template copies all of it, so it cost each night's rendering and PDF
    copies about a third of their time. Word supplies its built-in styles when a lead uses
    one the file does not define."""
    for rid, rel in list(d.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            d.part.drop_rel(rid)
    package = d.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(rid)
    styles = d.styles.element
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    stories = [d.part] + [
        rel.target_part
        for rel in d.part.rels.values()
        if not rel.is_external and rel.reltype.endswith(("/header", "/footer", "/numbering"))
    ]
    used = {
        el.get(qn("w:val"))
        for part in stories
        for el in part.element.iter(*(qn(tag) for tag in _STYLE_REFS))
    }
    by_id = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style"))}
    used |= {sid for sid, s in by_id.items() if s.get(qn("w:default")) == "1"}
    todo = list(used)
    while todo:  # and the styles those are based on, link to or are followed by
        style = by_id.get(todo.pop())
        for tag in ("w:basedOn", "w:next", "w:link"):
            ref = style.find(qn(tag)) if style is not None else None
            if ref is not None and ref.get(qn("w:val")) not in used:
                used.add(ref.get(qn("w:val")))
                todo.append(ref.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in used:
            styles.remove(style)
