"""The parts of an `.xlsx` the sync needs to know: which sheet is which tab, and where it lives.

Read straight from `xl/workbook.xml` and its relationships (a few kilobytes), so a
night can find its tabs — by their marker name when a lead renamed one, else by name,
else by the header signature — without loading the workbook.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sos_sync.backends.local.workbook.layout import LAYOUT_VERSION, MARKER, tab_slug
from sos_sync.tracker.table import TabSpec

WORKBOOK = "xl/workbook.xml"
_SHEET = re.compile(r"<(?:\w+:)?sheet\b([^>]*)/?>")
_REL = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)/?>")
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_NAME = re.compile(r"<(?:\w+:)?definedName\b([^>]*)>(.*?)</(?:\w+:)?definedName>", re.S)
_REF_SHEET = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^!'\s]+))!")


def attrs(tag_attrs: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _ATTR.findall(tag_attrs)}


@dataclass(frozen=True)
class Sheet:
    name: str
    part: str  # e.g. `xl/worksheets/sheet3.xml`
    index: int


@dataclass(frozen=True)
class Package:
    sheets: tuple[Sheet, ...]
    names: tuple[tuple[str, str], ...]  # (defined name, what it refers to)
    date1904: bool

    def sheet(self, name: str) -> Sheet | None:
        return next((s for s in self.sheets if s.name == name), None)

    def marked(self) -> dict[str, tuple[str, int]]:
        """Tab slug -> (sheet name its marker points at, layout version)."""
        out: dict[str, tuple[str, int]] = {}
        for name, ref in self.names:
            m = MARKER.match(name)
            r = _REF_SHEET.match(ref.strip())
            if m is None or r is None:
                continue
            sheet = r.group(1).replace("''", "'") if r.group(1) else r.group(2)
            version = int(m.group(1))
            if m.group(2) not in out or out[m.group(2)][1] < version:
                out[m.group(2)] = (sheet, version)
        return out


def read_package(zf: zipfile.ZipFile) -> Package:
    book = zf.read(WORKBOOK).decode("utf-8")
    rels_xml = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for m in _REL.finditer(rels_xml):
        a = attrs(m.group(1))
        target = a.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        elif not target.startswith("xl/"):
            target = "xl/" + target
        targets[a.get("Id", "")] = target
    sheets = []
    for i, m in enumerate(_SHEET.finditer(book)):
        a = attrs(m.group(1))
        rid = next((v for k, v in a.items() if k.endswith(":id")), "")
        sheets.append(Sheet(a.get("name", ""), targets.get(rid, ""), i))
    names = tuple(
        (a.get("name", ""), html.unescape(m.group(2)))
        for m in _NAME.finditer(book)
        if "localSheetId" not in (a := attrs(m.group(1)))  # a copied tab's names are local
    )
    date1904 = bool(re.search(r'date1904="(1|true)"', book))
    return Package(tuple(sheets), names, date1904)


@dataclass(frozen=True)
class Found:
    """Where a tab of the spec lives in the workbook, and whether it has today's layout."""

    sheet: str
    laid_out: bool


def resolve_tabs(
    pkg: Package,
    tabs: Sequence[TabSpec],
    header_of: Callable[[str], Sequence[str]],
) -> dict[str, Found]:
    """Spec tab name -> the sheet holding it: its marker, else its name, else its header.

    A sheet is claimed by one tab at most; a tab found nowhere is absent from the result.
    """
    marked = pkg.marked()
    names = {s.name for s in pkg.sheets}
    claimed: set[str] = set()
    out: dict[str, Found] = {}
    for spec in tabs:
        hit = marked.get(tab_slug(spec.name))
        if hit and hit[0] in names and hit[0] not in claimed:
            out[spec.name] = Found(hit[0], hit[1] >= LAYOUT_VERSION)
            claimed.add(hit[0])
    for spec in tabs:
        if spec.name not in out and spec.name in names and spec.name not in claimed:
            out[spec.name] = Found(spec.name, False)
            claimed.add(spec.name)
    spec_names = {t.name for t in tabs}
    for spec in tabs:
        if spec.name in out:
            continue
        for s in pkg.sheets:
            if s.name in claimed or s.name in spec_names:
                continue
            if _signature_matches(spec, header_of(s.name)):
                out[spec.name] = Found(s.name, False)
                claimed.add(s.name)
                break
    return out


def _signature_matches(spec: TabSpec, header: Sequence[str]) -> bool:
    """A sheet whose header has the tab's key and most of its columns is that tab, renamed."""
    have = set(header)
    if spec.key not in have:
        return False
    return sum(1 for h in spec.headers if h in have) >= max(2, (len(spec.headers) * 3 + 4) // 5)


def sheet_map(found: Mapping[str, Found]) -> dict[str, str]:
    return {tab: f.sheet for tab, f in found.items()}
