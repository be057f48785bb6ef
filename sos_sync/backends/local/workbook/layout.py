"""How a tab of `tracker.xlsx` is laid out, as a lead would do it by hand (issue 14).

One description serves both the first night's writer and the upgrade of an older
workbook: the school's URN and name first and frozen with the header row, widths from
content with a maximum and wrap beyond it, an autofilter, drop-downs on choice
columns, highlighting for stalled schools, renewals due and open problems, and a
landscape print setup one page wide with the header row repeated.

A tab carries a marker, a workbook-level defined name `_sos_sync_v<N>_<tab>` pointing
at its A1: when a lead renames the tab, Excel and LibreOffice move the name with it,
so the sync finds the tab again instead of making a new one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sos_sync.tracker.table import Column, TabSpec

LAYOUT_VERSION = 2
MARKER = re.compile(r"^_sos_sync_v(\d+)_(\w+)$")
# text starting with one of these would be a formula: written with the quote prefix
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
MAX_ROW = 1_048_576  # ranges for drop-downs and highlighting run to the sheet's end
MIN_WIDTH, MAX_WIDTH = 8, 48
YES_NO = ("Yes", "No")

STALLED_FILL = "FCE4D6"  # pale orange
RENEWAL_FILL = "FFEB9C"  # pale amber
PROBLEM_FILL = "F8CBAD"  # pale red
LEAD_HEADER_FILL = "FFF2CC"  # lead columns: pale yellow headers
MACHINE_HEADER_FILL = "DDEBF7"  # machine columns: pale blue headers
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def tab_slug(tab: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "_", tab)


def marker_name(tab: str, version: int = LAYOUT_VERSION) -> str:
    """The defined name that marks `tab` (spaces and dashes become `_`)."""
    return f"_sos_sync_v{version}_{tab_slug(tab)}"


def col_letter(index: int) -> str:
    """`0` -> `A`, `26` -> `AA`."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def display_order(spec: TabSpec) -> tuple[Column, ...]:
    """The columns of a new tab: URN and the school's name first, then the spec's order."""
    first = [n for n in ("URN", spec.school) if n]
    if not all(any(c.name == n for c in spec.columns) for n in first):
        return spec.columns
    lead = tuple(spec.column(n) for n in first)
    return lead + tuple(c for c in spec.columns if c.name not in first)


def frozen_columns(header: Sequence[str], spec: TabSpec) -> int:
    """How many columns stay frozen on the left: through the URN and school (else the key)."""
    wanted = [n for n in ("URN", spec.school) if n and n in header]
    if not wanted:
        wanted = [spec.key] if spec.key in header else []
    last = max((header.index(n) for n in wanted), default=-1) + 1
    return last if last <= 4 else 1


def choices_for(column: str, spec: TabSpec, leads: Sequence[str]) -> tuple[str, ...]:
    """The drop-down values of a column ("" when it is not a choice column)."""
    try:
        own = spec.column(column).choices
    except KeyError:
        own = ()
    if own:
        return own
    if column == "Lead":
        return tuple(n.replace(",", " ") for n in leads)
    if column == "Send":
        return YES_NO
    return ()


@dataclass(frozen=True)
class Highlight:
    """A conditional format: rows (or one column) where `formula` holds get `fill`."""

    first_col: int
    last_col: int
    formula: str
    fill: str

    def sqref(self) -> str:
        return f"{col_letter(self.first_col)}2:{col_letter(self.last_col)}{MAX_ROW}"


def highlights(spec: TabSpec, header: Sequence[str], renewal_days: int) -> list[Highlight]:
    """Stalled schools, renewals due and open problems, by the columns' letters in `header`."""
    pos = {h: i for i, h in reversed(list(enumerate(header))) if h}
    last = len(header) - 1
    out: list[Highlight] = []

    def ref(name: str) -> str:
        return f"${col_letter(pos[name])}2"

    if spec.name == "Schools" and "Stalled" in pos:
        out.append(Highlight(0, last, f'{ref("Stalled")}="Yes"', STALLED_FILL))
    if spec.name == "Schools" and "Renewal due" in pos:
        r = ref("Renewal due")
        c = pos["Renewal due"]
        out.append(Highlight(c, c, f"AND(ISNUMBER({r}),{r}<=TODAY()+{renewal_days})", RENEWAL_FILL))
    if spec.name == "Needs review" and "Status" in pos:
        cond = f'{ref("Status")}="Open"'
        if "Resolved" in pos:
            cond = f'AND({cond},{ref("Resolved")}<>"Yes")'
        out.append(Highlight(0, last, cond, PROBLEM_FILL))
    if spec.name == "Dashboard" and "Measure" in pos and "Value" in pos:
        m, v = ref("Measure"), ref("Value")
        cond = f'AND(OR({m}="Open problems",{m}="Stalled"),ISNUMBER({v}),{v}>0)'
        out.append(Highlight(0, last, cond, PROBLEM_FILL))
    return out


def width_of(column: Column | None, name: str, texts: Iterable[str]) -> tuple[float, bool]:
    """A column's width from its header and content, and whether long text wraps."""
    kind = column.kind if column else "text"
    if kind == "date":
        longest = 10
    elif kind == "datetime":
        longest = 16
    else:
        longest = max((len(t) for t in texts), default=0)
    need = max(len(name) + 3, longest + 2, MIN_WIDTH)
    return float(min(need, MAX_WIDTH)), need > MAX_WIDTH


LINE_HEIGHT = 15.0
MAX_LINES = 8


def row_height(texts: Iterable[tuple[str, float]]) -> float | None:
    """The height a row needs for its wrapped text (`(text, column width)` pairs); None for one line.

    Spreadsheets keep a row's stored height, so a wrapped cell would spill over the
    row below it without one."""
    lines = 1
    for text, width in texts:
        per_line = max(int(width) - 1, 1)
        n = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
        lines = max(lines, n)
    return None if lines == 1 else LINE_HEIGHT * min(lines, MAX_LINES)


class WidthMeter:
    """Longest text per column, measured while rows stream past (a sample is enough)."""

    SAMPLE = 2000

    def __init__(self, ncols: int) -> None:
        self.longest = [0] * ncols
        self.seen = 0

    def add(self, row: Sequence[str]) -> None:
        if self.seen >= self.SAMPLE:
            return
        self.seen += 1
        for i, t in enumerate(row):
            if i < len(self.longest):
                n = max((len(p) for p in t.split("\n")), default=0) if t else 0
                if n > self.longest[i]:
                    self.longest[i] = n

    def widths(self, spec: TabSpec, header: Sequence[str]) -> list[tuple[float, bool]]:
        known = {c.name: c for c in spec.columns}
        return [width_of(known.get(h), h, ["x" * self.longest[i]]) for i, h in enumerate(header)]
