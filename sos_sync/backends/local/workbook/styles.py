"""Cell styles for patched cells, found in (or, rarely, added to) `xl/styles.xml`.

A cell the sync rewrites keeps the style it had (a lead's fill or font stays); it only
gains what its value needs: a date format for a date, the quote prefix for form text.
Such a style is looked up among the workbook's own first, so `styles.xml` changes only
when no equal style exists yet.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from sos_sync.backends.local.workbook.layout import FORMULA_TRIGGERS
from sos_sync.tracker.table import CellKind, TypedValue

Need = Literal["date", "datetime", "quote"]


def need_of(kind: CellKind, value: TypedValue) -> Need | None:
    """The number format or quote prefix a cell of this kind and value needs, if any."""
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, str) and (kind == "form" or value.startswith(FORMULA_TRIGGERS)):
        return "quote"
    return None


_XFS = re.compile(r"(<cellXfs\b[^>]*>)(.*?)(</cellXfs>)", re.S)
_XF = re.compile(r"<xf\b[^>]*?(?:/>|>.*?</xf>)", re.S)
_XF_HEAD = re.compile(r"<xf\b([^>]*?)(/?)>", re.S)
_NUMFMTS = re.compile(r"(<numFmts\b[^>]*>)(.*?)(</numFmts>)", re.S)
_NUMFMT = re.compile(r'<numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"[^>]*/>')
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_BUILTIN_DATES = {14, 15, 16, 17, 22, 45, 46, 47}
_BUILTIN_DATETIMES = {22}
FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}


def _code(format_code: str) -> str:
    """A format code as shown: quotes, escapes and colours dropped."""
    code = format_code.replace("&quot;", '"')
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)
    return code.lower()


_DEFAULTS = {"quotePrefix": "0", "pivotButton": "0"}


def _shape(xf: str) -> tuple[tuple[tuple[str, str], ...], str]:
    """An `xf` as comparable: its attributes whatever their order (apply* flags and
    defaults aside, which Excel and LibreOffice ignore when reading), and its children."""
    head = _XF_HEAD.match(xf)
    if head is None:
        return ((), xf)
    a = {
        k: v
        for k, v in _ATTR.findall(head.group(1))
        if not k.startswith("apply") and _DEFAULTS.get(k, "") != v
    }
    a = {k: ("1" if v == "true" else "0" if v == "false" else v) for k, v in a.items()}
    inner = re.sub(r"\s+", " ", xf[head.end() :].replace("</xf>", "")).strip()
    return tuple(sorted(a.items())), inner


@dataclass
class StyleBook:
    """The `cellXfs` of a workbook, parsed once per patch."""

    xml: str
    xfs: list[str] = field(default_factory=list)
    formats: dict[int, str] = field(default_factory=dict)
    changed: bool = False
    _cache: dict[tuple[int, Need], int] = field(default_factory=dict)

    @classmethod
    def parse(cls, xml: str) -> StyleBook:
        book = cls(xml)
        m = _XFS.search(xml)
        book.xfs = (
            _XF.findall(m.group(2))
            if m
            else ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        )
        n = _NUMFMTS.search(xml)
        for fid, code in _NUMFMT.findall(n.group(2) if n else ""):
            book.formats[int(fid)] = code
        return book

    def _attrs(self, s: int) -> dict[str, str]:
        m = _XF_HEAD.match(self.xfs[s] if 0 <= s < len(self.xfs) else self.xfs[0])
        return dict(_ATTR.findall(m.group(1))) if m else {}

    def wraps(self, s: int) -> bool:
        """Whether style `s` wraps text."""
        return 0 <= s < len(self.xfs) and 'wrapText="1"' in self.xfs[s]

    def _is_date(self, fmt: int, need: Need) -> bool:
        if fmt in _BUILTIN_DATES:
            return need == "date" or fmt in _BUILTIN_DATETIMES
        code = _code(self.formats.get(fmt, ""))
        if not ("y" in code or "d" in code):
            return False
        return need == "date" or "h" in code

    def style_for(self, s: int, need: Need | None) -> int:
        """The style index a cell of style `s` gets when it holds a value needing `need`."""
        if need is None:
            return s
        if (s, need) in self._cache:
            return self._cache[(s, need)]
        a = self._attrs(s)
        if need == "quote":
            ok = a.get("quotePrefix") in ("1", "true")
        else:
            ok = self._is_date(int(a.get("numFmtId", "0")), need)
        out = s if ok else self._derive(s, need)
        self._cache[(s, need)] = out
        return out

    def _format_id(self, code: str) -> int:
        for fid, c in self.formats.items():
            if _code(c) == code:
                return fid
        fid = max([163, *self.formats]) + 1
        self.formats[fid] = code
        self.changed = True
        return fid

    def _derive(self, s: int, need: Need) -> int:
        base = self.xfs[s] if 0 <= s < len(self.xfs) else self.xfs[0]
        head = _XF_HEAD.match(base)
        assert head is not None
        a = dict(_ATTR.findall(head.group(1)))
        if need == "quote":
            a["quotePrefix"] = "1"
        else:
            a["numFmtId"] = str(self._format_id(FORMATS[need]))
            a["applyNumberFormat"] = "1"
        body = " ".join(f'{k}="{v}"' for k, v in a.items())
        new = f"<xf {body}{head.group(2)}>" + base[head.end() :]
        want = _shape(new)
        for i, xf in enumerate(self.xfs):
            if _shape(xf) == want:
                return i
        self.xfs.append(new)
        self.changed = True
        return len(self.xfs) - 1

    def render(self) -> str:
        """`styles.xml` with the added formats and styles."""
        xml = self.xml
        fmts = "".join(
            f'<numFmt numFmtId="{fid}" formatCode="{code}"/>'
            for fid, code in sorted(self.formats.items())
        )
        block = f'<numFmts count="{len(self.formats)}">{fmts}</numFmts>'
        if _NUMFMTS.search(xml):
            xml = _NUMFMTS.sub(lambda _m: block, xml, count=1)
        elif self.formats:
            xml = re.sub(r"(<styleSheet\b[^>]*>)", lambda m: m.group(1) + block, xml, count=1)
        xfs = f'<cellXfs count="{len(self.xfs)}">{"".join(self.xfs)}</cellXfs>'
        return _XFS.sub(lambda _m: xfs, xml, count=1)
