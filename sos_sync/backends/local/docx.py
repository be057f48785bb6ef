"""Documents as .docx files for the local backend: our HTML subset in, Word out.

`html_to_docx` reads the HTML that `sos_sync.documents` renders (h1-h3, p, strong/b,
em/i, ul/ol/li, table/thead/tbody/tr/th/td, a, br; anything else is treated as plain
text, and the contents of head, script and style are dropped) with the stdlib
`html.parser`, and writes a .docx with python-docx: Word's Heading 1-3, List Bullet and
List Number styles (each numbered list restarts at 1), "Table Grid" tables with a bold,
repeating header row, and real hyperlinks. Whitespace is collapsed the way a browser and
Google's HTML import collapse it, so both backends show the same text.

`docx_fingerprint` hashes what a reader sees (text, styles, bold/italic, links, table
layout), not the file's bytes: it is the same for every file our code writes from the same
HTML and changes when a person edits the document, so the caller can store it at
generation time and refuse to overwrite an edited document (SPEC §8).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph

HASH_PREFIX = "sos-sync inputs_hash="
"""How the inputs hash is stored in the document's core property `comments`."""

_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
# Characters XML 1.0 cannot hold (python-docx refuses them); form text may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SKIPPED = {"head", "title", "script", "style"}
_LINK_BLUE = RGBColor(0x05, 0x63, 0xC1)


@dataclass
class _Run:
    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    is_break: bool = False


@dataclass
class _Para:
    style: str
    runs: list[_Run] = field(default_factory=list)
    numbered_list: int | None = None  # which <ol> a top-level numbered item belongs to


@dataclass
class _Cell:
    header: bool
    paras: list[_Para] = field(default_factory=list)


@dataclass
class _Table:
    rows: list[list[_Cell]] = field(default_factory=list)
    header_rows: int = 0


class _Reader(HTMLParser):
    """Turns the HTML subset into paragraphs and tables (no python-docx here)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Para | _Table] = []
        self._para: _Para | None = None
        self._bold = 0
        self._italic = 0
        self._href: str | None = None
        self._lists: list[tuple[str, int]] = []
        self._list_count = 0
        self._skip = 0
        self._table: _Table | None = None
        self._cell: _Cell | None = None
        self._in_thead = False

    # -- structure -------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag in ("h1", "h2", "h3"):
            self._start(f"Heading {tag[1]}")
        elif tag == "p":
            if not self._list_item():  # a <p> inside <li> stays part of the list item
                self._start("Normal")
        elif tag in ("ul", "ol"):
            self._end()
            self._list_count += 1
            self._lists.append((tag, self._list_count))
        elif tag == "li":
            self._start_list_item()
        elif tag in ("strong", "b"):
            self._bold += 1
        elif tag in ("em", "i"):
            self._italic += 1
        elif tag == "a":
            self._href = dict(attrs).get("href") or None
        elif tag == "br":
            self._add(_Run("", is_break=True))
        elif tag == "table":
            self._end()
            self._table = _Table()
        elif tag == "thead":
            self._in_thead = True
        elif tag == "tr" and self._table is not None:
            self._end()
            self._table.rows.append([])
            if self._in_thead:
                self._table.header_rows = len(self._table.rows)
        elif tag in ("td", "th") and self._table is not None:
            self._end()
            if not self._table.rows:
                self._table.rows.append([])
            self._cell = _Cell(header=tag == "th" or self._in_thead)
            self._table.rows[-1].append(self._cell)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br",):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in ("h1", "h2", "h3", "li") or (tag == "p" and not self._list_item()):
            self._end()
        elif tag in ("ul", "ol"):
            self._end()
            if self._lists:
                self._lists.pop()
        elif tag in ("strong", "b"):
            self._bold = max(0, self._bold - 1)
        elif tag in ("em", "i"):
            self._italic = max(0, self._italic - 1)
        elif tag == "a":
            self._href = None
        elif tag == "thead":
            self._in_thead = False
        elif tag in ("td", "th"):
            self._end()
            self._cell = None
        elif tag == "table" and self._table is not None:
            self._end()
            self._cell = None
            self.blocks.append(self._table)
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        text = _HTML_SPACE.sub(" ", _NOT_XML.sub("", data))
        if self._para is None and not text.strip():
            return
        self._add(_Run(text, self._bold > 0, self._italic > 0, self._href))

    def close(self) -> None:
        super().close()
        self._end()
        if self._table is not None:
            self.blocks.append(self._table)
            self._table = None

    # -- helpers -----------------------------------------------------------------------
    def _list_item(self) -> bool:
        return self._para is not None and self._para.style.startswith("List")

    def _start_list_item(self) -> None:
        kind, list_id = self._lists[-1] if self._lists else ("ul", 0)
        depth = min(max(len(self._lists), 1), 3)
        base = "List Number" if kind == "ol" else "List Bullet"
        style = base if depth == 1 else f"{base} {depth}"
        self._start(style)
        if self._para is not None and kind == "ol" and depth == 1:
            self._para.numbered_list = list_id

    def _start(self, style: str) -> None:
        self._end()
        self._para = _Para(style)

    def _add(self, run: _Run) -> None:
        if self._para is None:
            self._para = _Para("Normal")
        self._para.runs.append(run)

    def _end(self) -> None:
        para, self._para = self._para, None
        if para is None:
            return
        para.runs = _trim(para.runs)
        if not para.runs and para.style == "Normal":
            return
        if self._cell is not None:
            self._cell.paras.append(para)
        else:
            self.blocks.append(para)


def _trim(runs: list[_Run]) -> list[_Run]:
    """Drop the spaces a browser would not show: at the edges, around breaks, doubled."""
    out: list[_Run] = []
    at_line_start = True
    for run in runs:
        if run.is_break:
            if out and not out[-1].is_break:
                out[-1].text = out[-1].text.rstrip(" ")
            out.append(run)
            at_line_start = True
            continue
        text = run.text.lstrip(" ") if at_line_start else run.text
        if text:
            out.append(_Run(text, run.bold, run.italic, run.href))
            at_line_start = text.endswith(" ")
    if out and not out[-1].is_break:
        out[-1].text = out[-1].text.rstrip(" ")
    return [r for r in out if r.text or r.is_break]


def html_to_docx(html: str, path: Path, title: str, *, inputs_hash: str | None = None) -> None:
    """Write `html` (the documents' HTML subset) as a .docx at `path`, atomically.

    Args:
        html: the rendered document.
        path: where to write; replaced in one step (temporary file, then rename).
        title: the document's title (core property `title`).
        inputs_hash: stored in the core property `comments` as
            ``"sos-sync inputs_hash=<hash>"``; read it back with `read_inputs_hash`.
    """
    reader = _Reader()
    reader.feed(html)
    reader.close()
    document = docx.Document()
    props = document.core_properties
    props.title = _NOT_XML.sub("", title)
    props.author = props.last_modified_by = "sos-sync"
    props.keywords = "sos-sync"
    props.comments = f"{HASH_PREFIX}{inputs_hash}" if inputs_hash else ""
    props.revision = 1
    numbering = _Numbering(document)
    for block in reader.blocks:
        if isinstance(block, _Table):
            _write_table(document, block, numbering)
        else:
            _write_para(document.add_paragraph(), block, numbering)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        document.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def read_inputs_hash(path: Path) -> str | None:
    """The inputs hash `html_to_docx` stored in the file, or None when there is none."""
    comments = docx.Document(str(path)).core_properties.comments or ""
    return comments[len(HASH_PREFIX) :] if comments.startswith(HASH_PREFIX) else None


class _Numbering:
    """Style ids by name, and a fresh numbering per numbered list (Word otherwise
    continues the count from the previous list)."""

    def __init__(self, document: DocxDocument) -> None:
        self._document = document
        self._num_ids: dict[int, int] = {}
        self._style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        # Looking a style up by name is slow in python-docx; do it once per style.
        if name not in self._style_ids:
            self._style_ids[name] = self._document.styles[name].style_id
        return self._style_ids[name]

    def num_id(self, list_id: int) -> int:
        if list_id not in self._num_ids:
            numbering = self._document.part.numbering_part.element
            style_num = self._document.styles["List Number"].element.pPr.numPr.numId.val
            abstract_id = next(
                n.abstractNumId.val for n in numbering.num_lst if n.numId == style_num
            )
            num = numbering.add_num(abstract_id)
            num.add_lvlOverride(ilvl=0).add_startOverride(1)
            self._num_ids[list_id] = num.numId
        return self._num_ids[list_id]


def _write_para(paragraph: Paragraph, para: _Para, numbering: _Numbering) -> None:
    if para.style != "Normal":
        paragraph._p.style = numbering.style_id(para.style)
    if para.numbered_list is not None:
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = numbering.num_id(para.numbered_list)
    for run in para.runs:
        if run.is_break:
            paragraph.add_run().add_break()
            continue
        word_run = paragraph.add_run(run.text)
        word_run.bold = run.bold or None
        word_run.italic = run.italic or None
        if run.href:
            word_run.font.underline = True
            word_run.font.color.rgb = _LINK_BLUE
            r_id = paragraph.part.relate_to(run.href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
            link = OxmlElement("w:hyperlink")
            link.set(qn("r:id"), r_id)
            link.append(word_run._r)  # moves the run inside the link
            paragraph._p.append(link)


def _write_table(document: DocxDocument, table: _Table, numbering: _Numbering) -> None:
    width = max((len(row) for row in table.rows), default=0)
    if width == 0:
        return
    word_table = document.add_table(rows=len(table.rows), cols=width)
    word_table.style = "Table Grid"
    for r, row in enumerate(table.rows):
        word_row = word_table.rows[r]
        if r < table.header_rows or (row and all(c.header for c in row)):
            word_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for c, cell in enumerate(row):
            word_cell = word_row.cells[c]
            for i, para in enumerate(cell.paras):
                if cell.header:
                    para = _Para(para.style, [_bolder(run) for run in para.runs])
                target = word_cell.paragraphs[0] if i == 0 else word_cell.add_paragraph()
                _write_para(target, para, numbering)


def _bolder(run: _Run) -> _Run:
    return _Run(run.text, True, run.italic, run.href, run.is_break)


def docx_fingerprint(path: Path) -> str:
    """A sha256 of the document as a reader sees it: text, styles, emphasis, links, tables.

    Stable across files our code writes from the same HTML (zip timestamps and core
    properties are ignored); any edit to the visible content changes it.
    """
    document = docx.Document(str(path))
    # Style names by id, read once (python-docx's per-paragraph lookup is slow).
    styles = {s.style_id: s.name for s in document.styles}
    body: list[Any] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            body.append(_para_shape(Paragraph(element, document), styles))
        elif element.tag == qn("w:tbl"):
            table = Table(element, document)
            rows = [
                [[_para_shape(p, styles) for p in cell.paragraphs] for cell in row.cells]
                for row in table.rows
            ]
            body.append({"table": table.style.name if table.style else None, "rows": rows})
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _para_shape(paragraph: Paragraph, styles: dict[str, str]) -> dict[str, Any]:
    runs: list[list[Any]] = []
    for item in paragraph.iter_inner_content():
        pieces = (
            [(r, item.address) for r in item.runs]
            if isinstance(item, Hyperlink)
            else [(item, None)]
        )
        for run, href in pieces:
            fmt = [bool(run.bold), bool(run.italic), href]
            if runs and runs[-1][1:] == fmt:
                runs[-1][0] += run.text  # Word splits runs freely; merge equal neighbours
            elif run.text:
                runs.append([run.text, *fmt])
    ppr = paragraph._p.pPr
    num_pr: Any = ppr.numPr if ppr is not None else None
    level = num_pr.ilvl.val if num_pr is not None and num_pr.ilvl is not None else None
    return {
        "style": styles.get(paragraph._p.style or "", "Normal") if paragraph._p.style else "Normal",
        "level": level,
        "runs": runs,
    }
