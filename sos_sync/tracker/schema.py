"""The tracker: its tabs, who owns each column, and the diff that protects leads' work (SPEC §4).

Rule of ownership (§4.2): the sync only writes a cell that is empty or still holds
exactly the value the sync itself last wrote there (its *memory*). A value a person
typed is never overwritten or cleared; the sync leaves it and raises a `Needs review`
problem instead. Rows are found by key, never by number; columns by header, so a lead
may sort, insert, delete rows and add columns at any time. Lead columns are never
written, apart from a new row's empty cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from sos_sync.domain.forms import FORM_KINDS, FormKind, FormSpec
from sos_sync.domain.responses import Problem

CellKind = Literal["text", "form", "date", "int"]
Owner = Literal["machine", "lead"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: CellKind = "text"
    owner: Owner = "machine"
    write_once: bool = False  # set when the row is made, then left alone (e.g. `Raised on`)
    stamp: bool = False  # today's date whenever another machine cell of the row changes


@dataclass(frozen=True)
class TabSpec:
    name: str
    key: str
    columns: tuple[Column, ...]
    recreate_deleted: bool = True  # a row a person deleted comes back (and is reported)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _m(name: str, kind: CellKind = "text", **kw: bool) -> Column:
    return Column(name, kind, "machine", **kw)


def _lead(name: str, kind: CellKind = "text") -> Column:
    return Column(name, kind, "lead")


MILESTONE_COLUMNS = (
    "EOI received",
    "Pledge signed",
    "SLT commitment",
    "Audit completed",
    "Action plan received",
    "Draft submitted",
    "Draft feedback sent",
    "Final submitted",
)

SCHOOLS = TabSpec(
    "Schools",
    "URN",
    (
        _m("URN"),
        _m("School", "form"),
        _m("Contact name", "form"),
        _m("Contact email", "form"),
        _m("Step", "int"),
        _m("Stage"),
        _m("Next action"),
        _m("Stalled"),
        _m("EOI received", "date"),
        _m("Pledge signed", "date"),
        _m("SLT commitment", "date"),
        _m("Audit completed", "date"),
        _m("Action plan received", "date"),
        _m("Events attended", "int"),
        _m("Draft submitted", "date"),
        _m("Draft feedback sent", "date"),
        _m("Final submitted", "date"),
        _lead("Panel date", "date"),
        _lead("Visit date", "date"),
        _lead("Awarded on", "date"),
        _m("Renewal due", "date"),
        _m("Last activity", "date"),
        _lead("Step override", "int"),
        _lead("Lead"),
        _lead("Notes"),
        _m("Updated", "date", stamp=True),
    ),
)


def response_tab(spec: FormSpec) -> TabSpec:
    """The tab a form's responses land on: one row per response id."""
    cols = [
        _m("Response ID"),
        _m("Submitted"),
        _m("Email Address", "form"),
        _m("URN"),
        *(_m(f.header, "form") for f in spec.fields),
        _m("Status"),
    ]
    if spec.kind == "signup":
        cols.append(_lead("Attended"))
    if spec.kind == "catchup":
        cols.extend([_lead("Confirmed for", "text"), _lead("Lead notes")])
    return TabSpec(spec.tab, "Response ID", tuple(cols))


EVENTS = TabSpec(
    "Events",
    "Event key",
    (
        _m("Event key"),
        _m("Title"),
        _m("Start"),
        _m("End"),
        _m("Where"),
        _m("Mode"),
        _m("Form label"),
        _m("Signed up", "int"),
        _m("Calendar link"),
        _lead("Attended"),
        _lead("Notes"),
    ),
)


def reviews_tab(criteria_codes: Iterable[str]) -> TabSpec:
    cols: list[Column] = [
        _m("Review key"),
        _m("URN"),
        _m("School", "form"),
        _m("Stage"),
        _m("Criteria version"),
    ]
    for code in criteria_codes:
        cols.append(_lead(f"{code} judgement"))
        cols.append(_lead(f"{code} comment"))
    cols.extend(
        [
            _lead("Overall comments"),
            _lead("Next steps"),
            _lead("Ready"),
            _m("Feedback doc"),
            _m("Sent on", "date"),
        ]
    )
    return TabSpec("Reviews", "Review key", tuple(cols))


DOCUMENTS = TabSpec(
    "Documents",
    "Doc key",
    (
        _m("Doc key"),
        _m("URN"),
        _m("School", "form"),
        _m("Kind"),
        _m("Title", "form"),
        _m("Link"),
        _m("Generated on", "date"),
        _m("Status"),
    ),
)

NEEDS_REVIEW = TabSpec(
    "Needs review",
    "Problem ID",
    (
        _m("Problem ID"),
        _m("Raised on", "date", write_once=True),
        _m("Where"),
        _m("Response or row"),
        _m("School", "form"),
        _m("URN", "form"),
        _m("Value", "form"),
        _m("Reason"),
        _m("Candidates", "form"),
        _m("Status"),
        _lead("Resolved"),
        _lead("Lead notes"),
    ),
    recreate_deleted=False,
)

RUN_LOG = TabSpec(
    "Run log",
    "Run ID",
    (
        _m("Run ID"),
        _m("Started"),
        _m("Backend"),
        _m("Result"),
        _m("New responses", "int"),
        _m("Updated responses", "int"),
        _m("Schools created", "int"),
        _m("Schools moved", "int"),
        _m("Events changed", "int"),
        _m("Documents changed", "int"),
        _m("New problems", "int"),
        _m("Cells written", "int"),
        _m("Summary"),
    ),
    recreate_deleted=False,
)

DASHBOARD = TabSpec("Dashboard", "Measure", (_m("Measure"), _m("Value"), _m("Detail")))


def all_tabs(
    forms: Mapping[FormKind, FormSpec], criteria_codes: Iterable[str]
) -> tuple[TabSpec, ...]:
    """Every tab of §4.1, in the order they appear in the workbook."""
    return (
        DASHBOARD,
        SCHOOLS,
        *(response_tab(forms[k]) for k in FORM_KINDS),
        EVENTS,
        reviews_tab(criteria_codes),
        DOCUMENTS,
        NEEDS_REVIEW,
        RUN_LOG,
    )


# ---------------------------------------------------------------- snapshot of a tab


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


def cell_text(value: object) -> str:
    """A cell's value as the text the sync compares (dates ISO, whole numbers without `.0`)."""
    if value.__class__ is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# ---------------------------------------------------------------- memory

Memory = dict[str, dict[str, dict[str, str]]]  # tab -> key -> column -> value last written


@dataclass(frozen=True)
class CellWrite:
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


@dataclass
class TabDiff:
    plan: TabPlan
    memory: dict[str, dict[str, str]]
    problems: list[Problem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def diff_tab(
    spec: TabSpec,
    current: TabData | None,
    desired: Mapping[str, Mapping[str, str]],
    memory: Mapping[str, Mapping[str, str]],
    pending: Mapping[str, Mapping[str, str]],
    today: dt.date,
    keep_rows: Iterable[str] = (),
) -> TabDiff:
    """What to write so the tab holds `desired` in machine cells, without touching people's values.

    `memory` is what the sync last wrote; `pending` what a run that did not finish
    meant to write (it may or may not have landed). A found value equal to either is
    the sync's own. Returns the writes, the memory after they land, and a problem for
    every cell a person typed over.
    """
    current = current or TabData([], [])
    colpos = current.col_index()
    add_headers = tuple(c.name for c in spec.columns if c.name not in colpos)
    index, dups = current.index(spec.key)
    new_memory: dict[str, dict[str, str]] = {k: dict(v) for k, v in memory.items()}
    out = TabDiff(TabPlan(spec.name, spec.key, add_headers, ()), new_memory)
    rows: list[RowWrite] = []
    for k in sorted(set(dups)):
        out.problems.append(
            Problem(
                code="duplicate_row",
                reason=f"The key `{k}` appears on more than one row of `{spec.name}`; the sync "
                "updates the first and leaves the others. Delete the copies.",
                value=k,
                source_key=k,
                form=spec.name,
            )
        )
    machine = [c for c in spec.columns if c.owner == "machine"]
    for key, want in desired.items():
        mem = new_memory.setdefault(key, {})
        pend = pending.get(key, {})
        pos = index.get(key)
        if pos is None:
            if key in memory and not spec.recreate_deleted:
                continue  # a person deleted it: leave it deleted
            cells = []
            for c in machine:
                v = want.get(c.name, "")
                if c.stamp:
                    v = today.isoformat()
                if v != "":
                    cells.append(CellWrite(c.name, v, c.kind))
                    mem[c.name] = v
            if key in memory:
                out.problems.append(
                    Problem(
                        code="row_deleted",
                        reason=f"The row for `{key}` was missing from `{spec.name}` (deleted by hand?) "
                        "and was added again so nothing is lost. To remove it for good, use "
                        "`sos-sync erase`.",
                        value=key,
                        source_key=key,
                        form=spec.name,
                    )
                )
            rows.append(RowWrite(key, tuple(cells), new=True))
            out.created.append(key)
            continue
        row = current.rows[pos]
        cells = []
        stamp_col: Column | None = None
        for c in machine:
            if c.stamp:
                stamp_col = c
                continue
            if c.name not in want:
                continue
            v = want[c.name]
            ci = colpos.get(c.name)
            found = row[ci] if ci is not None and ci < len(row) else ""
            if found == v:
                if v == "":
                    mem.pop(c.name, None)
                elif found == memory.get(key, {}).get(c.name) or found == pend.get(c.name):
                    mem[c.name] = v
                # else a person typed the very value the sync wants (say, a school's name
                # that the sync took from the tracker itself): it stays theirs, or a later
                # change would overwrite it as if the sync had written it
                continue
            if c.write_once and found != "":
                continue
            ours = (
                found == "" or found == memory.get(key, {}).get(c.name) or found == pend.get(c.name)
            )
            if ours:
                cells.append(CellWrite(c.name, v, c.kind))
                if v != "":
                    mem[c.name] = v
                else:
                    mem.pop(c.name, None)
            else:
                out.problems.append(
                    Problem(
                        code="typed_over",
                        reason=f"Someone typed `{found}` in `{spec.name}` › {c.name} for `{key}`; "
                        f"the sync would write `{v or '(empty)'}` and left the typed value alone. "
                        "If the typed value is right there is nothing to do; clear the cell to let "
                        "the sync manage it again.",
                        value=found,
                        source_key=f"{key} {c.name} -> {v}",
                        form=spec.name,
                    )
                )
        if cells and stamp_col is not None:
            ci = colpos.get(stamp_col.name)
            found = row[ci] if ci is not None and ci < len(row) else ""
            v = today.isoformat()
            ours = (
                found == ""
                or found == memory.get(key, {}).get(stamp_col.name)
                or found == pend.get(stamp_col.name)
            )
            if ours and found != v:
                cells.append(CellWrite(stamp_col.name, v, stamp_col.kind))
                mem[stamp_col.name] = v
        if cells:
            rows.append(RowWrite(key, tuple(cells)))
            out.updated.append(key)
    # what an unfinished run wrote and is still there is the sync's own
    for key, meant in pending.items():
        pos = index.get(key)
        if pos is None:
            continue
        row = current.rows[pos]
        for col, v in meant.items():
            ci = colpos.get(col)
            if v != "" and ci is not None and ci < len(row) and row[ci] == v:
                new_memory.setdefault(key, {}).setdefault(col, v)
    for key in keep_rows:
        new_memory.setdefault(key, {})
    out.plan = TabPlan(spec.name, spec.key, add_headers, tuple(rows))
    return out


def lead_value(
    current: TabData | None,
    key_col: str,
    key: str,
    column: str,
    memory: Mapping[str, Mapping[str, str]],
) -> str | None:
    """The value a person typed in a cell, or None when the cell is empty or the sync's own."""
    if current is None:
        return None
    found = current.value(key_col, key, column)
    if not found or found == memory.get(key, {}).get(column):
        return None
    return found
