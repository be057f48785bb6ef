"""The tracker's building blocks: columns, tabs, a tab as read, typed values and writes (SPEC §4).

A cell is compared as a *value*, not as the text it shows: a date cell read back as
`2025-07-14` and the text `2025-07-14` the sync wanted are the same, and so are the
number 7 and the text `7` in a count column. Form text (`kind="form"`) is only ever
text: it is compared exactly and never becomes a number, a date or a formula.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

# text: machine text; form: text that came from a form (always literal text);
# int / date / datetime: a number or date where the value parses as one, text otherwise;
# auto: a number or a date, whichever the value is (the Dashboard's Value column)
CellKind = Literal["text", "form", "date", "datetime", "int", "auto"]
Owner = Literal["machine", "lead"]
TypedValue = int | dt.date | dt.datetime | str

Memory = dict[str, dict[str, dict[str, str]]]  # tab -> key -> column -> value last written

_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,14})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?")


@dataclass(frozen=True)
class Column:
    name: str
    kind: CellKind = "text"
    owner: Owner = "machine"
    write_once: bool = False  # set when the row is made, then left alone (e.g. `Raised on`)
    stamp: bool = False  # today's date whenever another machine cell of the row changes
    choices: tuple[str, ...] = ()  # a drop-down of these values (lead columns)


@dataclass(frozen=True)
class TabSpec:
    name: str
    key: str
    columns: tuple[Column, ...]
    recreate_deleted: bool = True  # a row a person deleted comes back (and is reported)
    school: str = ""  # the column naming the school, frozen on the left with `URN`

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


# ---------------------------------------------------------------- values


def typed_value(kind: CellKind, text: str) -> TypedValue:
    """What a cell holds for `text`: a number or a date where the column means one and the
    text reads back exactly as itself, else the text unchanged (form text always)."""
    if kind in ("text", "form") or not text:
        return text
    if kind in ("int", "auto") and _INT.fullmatch(text):
        return int(text)
    if kind in ("date", "datetime", "auto") and _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    if kind == "datetime":
        m = _DATETIME.fullmatch(text)
        if m is not None:
            try:
                seconds = m.group(4) or "00"
                return dt.datetime.fromisoformat(
                    f"{m.group(1)} {m.group(2)}:{m.group(3)}:{seconds}"
                )
            except ValueError:
                return text
    return text


def same_value(kind: CellKind, found: str, wanted: str) -> bool:
    """Whether a cell read as `found` already holds `wanted` (values compared, not text)."""
    if found == wanted:
        return True
    if kind in ("text", "form") or not found or not wanted:
        return False
    a, b = _as_instant(typed_value(kind, wanted)), _as_instant(typed_value(_reading(kind), found))
    return not isinstance(a, str) and a == b


def _as_instant(value: TypedValue) -> TypedValue:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _reading(kind: CellKind) -> CellKind:
    # a count read back from a sheet may come as `7`; a datetime with no time as a date
    return "auto" if kind == "int" else kind


def cell_text(value: object) -> str:
    """A cell's value as the text the sync compares (dates ISO, whole numbers without `.0`)."""
    if value.__class__ is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.microsecond:  # a serial number's float rounding: the nearest second
            value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# ---------------------------------------------------------------- a tab as read


@dataclass
class TabData:
    """A tab as read: its header row and data rows, every cell as normalised text.

    `rows[i]` is sheet row `i + 2` (row 1 is the header).
    """

    header: list[str]
    rows: list[list[str]]
    _indexes: dict[str, tuple[dict[str, int], list[str]]] = field(default_factory=dict, repr=False)

    def col_index(self) -> dict[str, int]:
        """Header -> column position (the first column of that name wins)."""
        cached = self._indexes.get("\x00columns")
        if cached is not None:
            return cached[0]
        out: dict[str, int] = {}
        for i, h in enumerate(self.header):
            if h and h not in out:
                out[h] = i
        self._indexes["\x00columns"] = (out, [])
        return out

    def value(self, key_col: str, key: str, column: str) -> str | None:
        """The cell in `column` of the row whose `key_col` is `key`; None when there is no such row."""
        pos = self.index(key_col)[0].get(key)
        ci = self.col_index().get(column)
        if pos is None:
            return None
        row = self.rows[pos]
        return row[ci] if ci is not None and ci < len(row) else ""

    def index(self, key_col: str) -> tuple[dict[str, int], list[str]]:
        """Key -> position in `rows`; and keys found more than once."""
        if key_col in self._indexes:
            return self._indexes[key_col]
        self._indexes[key_col] = self._build_index(key_col)
        return self._indexes[key_col]

    def _build_index(self, key_col: str) -> tuple[dict[str, int], list[str]]:
        ci = self.col_index().get(key_col)
        out: dict[str, int] = {}
        dups: list[str] = []
        if ci is None:
            return out, dups
        for i, row in enumerate(self.rows):
            k = row[ci] if ci < len(row) else ""
            if not k:
                continue
            if k in out:
                dups.append(k)
            else:
                out[k] = i
        return out, dups

    def last_row(self) -> int:
        """The sheet row number of the last row holding anything (1 for the header alone)."""
        for i in range(len(self.rows) - 1, -1, -1):
            if any(self.rows[i]):
                return i + 2
        return 1


# ---------------------------------------------------------------- writes


class CellWrite(NamedTuple):  # a tuple: a first night makes hundreds of thousands
    column: str
    value: str
    kind: CellKind


@dataclass(frozen=True)
class RowWrite:
    """Cells to write in the row whose key is `key` (a new row when `new`)."""

    key: str
    cells: tuple[CellWrite, ...]
    new: bool = False


@dataclass(frozen=True)
class TabPlan:
    tab: str
    key_column: str
    add_headers: tuple[str, ...]
    rows: tuple[RowWrite, ...]

    @property
    def cell_count(self) -> int:
        return len(self.add_headers) + sum(len(r.cells) for r in self.rows)
