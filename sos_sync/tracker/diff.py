"""The diff that protects leads' work: what to write so a tab holds what the sync wants (SPEC §4.2).

The sync only writes a cell that is empty or still holds the value the sync itself last
wrote there (its *memory*), compared as values (a date cell and the same date as text
are one value; form text is compared exactly). A value a person typed is never
overwritten or cleared; the sync leaves it and raises a `Needs review` problem instead.
Rows are found by key, never by number; columns by header. Lead columns are never
written, apart from a new row's empty cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sos_sync.domain.responses import Problem
from sos_sync.tracker.table import (
    CellKind,
    CellWrite,
    Column,
    RowWrite,
    TabData,
    TabPlan,
    TabSpec,
    same_value,
)


@dataclass
class TabDiff:
    plan: TabPlan
    memory: dict[str, dict[str, str]]
    problems: list[Problem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def _cell(row: list[str], ci: int | None) -> str:
    return row[ci] if ci is not None and ci < len(row) else ""


def _duplicate(spec: TabSpec, key: str) -> Problem:
    return Problem(
        code="duplicate_row",
        reason=f"The key `{key}` appears on more than one row of `{spec.name}`; the sync "
        "updates the first and leaves the others. Delete the copies.",
        value=key,
        source_key=key,
        form=spec.name,
    )


def _deleted(spec: TabSpec, key: str) -> Problem:
    return Problem(
        code="row_deleted",
        reason=f"The row for `{key}` was missing from `{spec.name}` (deleted by hand?) "
        "and was added again so nothing is lost. To remove it for good, use "
        "`sos-sync erase`.",
        value=key,
        source_key=key,
        form=spec.name,
    )


def _typed_over(spec: TabSpec, key: str, column: str, found: str, wanted: str) -> Problem:
    return Problem(
        code="typed_over",
        reason=f"Someone typed `{found}` in `{spec.name}` › {column} for `{key}`; "
        f"the sync would write `{wanted or '(empty)'}` and left the typed value alone. "
        "If the typed value is right there is nothing to do; clear the cell to let "
        "the sync manage it again.",
        value=found,
        source_key=f"{key} {column} -> {wanted}",
        form=spec.name,
    )


@dataclass
class _Row:
    """One existing row being diffed: what the sync remembers and what it finds."""

    spec: TabSpec
    key: str
    row: list[str]
    colpos: Mapping[str, int]
    remembered: Mapping[str, str]
    pending: Mapping[str, str]
    mem: dict[str, str]
    machine: tuple[tuple[Column, int | None], ...]  # what the sync writes on a row, where
    stamp: Column | None

    def found(self, c: Column) -> str:
        ci = self.colpos.get(c.name)
        return self.row[ci] if ci is not None and ci < len(self.row) else ""

    def ours(self, c: Column, found: str) -> bool:
        """The cell is empty or holds the sync's own value (last written, or meant by a killed run)."""
        if found == "":
            return True
        rem = self.remembered.get(c.name)
        if rem == found:  # the common case, without parsing anything
            return True
        for v in (rem, self.pending.get(c.name)):
            if v is not None and same_value(c.kind, found, v):
                return True
        return False


def _new_row(
    spec: TabSpec, key: str, want: Mapping[str, str], mem: dict[str, str], today: dt.date
) -> RowWrite:
    cells = []
    for name, kind, stamp in _writable(spec):
        v = today.isoformat() if stamp else want.get(name, "")
        if v != "":
            cells.append(CellWrite(name, v, kind))
            mem[name] = v
    return RowWrite(key, tuple(cells), new=True)


_WRITABLE: dict[str, tuple[TabSpec, tuple[tuple[str, CellKind, bool], ...]]] = {}


def _writable(spec: TabSpec) -> tuple[tuple[str, CellKind, bool], ...]:
    """Name, kind and stamp of each column the sync writes, made once per spec (kept by identity)."""
    held = _WRITABLE.get(spec.name)
    if held is None or held[0] is not spec:
        cols = tuple((c.name, c.kind, c.stamp) for c in spec.columns if c.owner == "machine")
        held = _WRITABLE[spec.name] = (spec, cols)
    return held[1]


def _update_row(
    r: _Row, want: Mapping[str, str], today: dt.date, problems: list[Problem]
) -> list[CellWrite]:
    cells: list[CellWrite] = []
    row, n, remembered = r.row, len(r.row), r.remembered
    for c, ci in r.machine:
        v = want.get(c.name)
        if v is None:
            continue
        found = row[ci] if ci is not None and ci < n else ""
        if found == v:
            if remembered.get(c.name) == v:  # the common case: the sync's own, unchanged
                continue  # (and already in the memory, which starts as a copy)
            if v == "":
                r.mem.pop(c.name, None)
            elif r.ours(c, found):
                r.mem[c.name] = v
            # else a person typed the very value the sync wants (say, a school's name
            # that the sync took from the tracker itself): it stays theirs, or a later
            # change would overwrite it as if the sync had written it
            continue
        if same_value(c.kind, found, v):
            if v == "":
                r.mem.pop(c.name, None)
            elif found != "" and r.ours(c, found):
                r.mem[c.name] = v
            continue
        if c.write_once and found != "":
            continue
        if r.ours(c, found):
            cells.append(CellWrite(c.name, v, c.kind))
            if v != "":
                r.mem[c.name] = v
            else:
                r.mem.pop(c.name, None)
        else:
            problems.append(_typed_over(r.spec, r.key, c.name, found, v))
    stamp = r.stamp
    if cells and stamp is not None:
        found, v = r.found(stamp), today.isoformat()
        if r.ours(stamp, found) and not same_value(stamp.kind, found, v):
            cells.append(CellWrite(stamp.name, v, stamp.kind))
            r.mem[stamp.name] = v
    return cells


def _unchanged(
    row: list[str],
    want: Mapping[str, str],
    remembered: Mapping[str, str] | None,
    where: tuple[tuple[str, int | None], ...],
) -> bool:
    """Every cell the sync wants holds that value, as the sync last wrote it: nothing to
    write and nothing to remember anew (most rows, most nights)."""
    if remembered is None:
        return False
    n = len(row)
    for name, ci in where:
        v = want.get(name)
        if v is None:
            continue
        # (an empty cell the sync wants empty is unchanged whether remembered or not)
        if (row[ci] if ci is not None and ci < n else "") != v or remembered.get(name, "") != v:
            return False
    return True


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
    out.problems.extend(_duplicate(spec, k) for k in sorted(set(dups)))
    machine = tuple(
        (c, colpos.get(c.name)) for c in spec.columns if c.owner == "machine" and not c.stamp
    )
    stamp = next((c for c in spec.columns if c.owner == "machine" and c.stamp), None)
    where = tuple((c.name, ci) for c, ci in machine)
    for key, want in desired.items():
        mem = new_memory.setdefault(key, {})
        pos = index.get(key)
        if pos is None:
            if key in memory and not spec.recreate_deleted:
                continue  # a person deleted it: leave it deleted
            if key in memory:
                out.problems.append(_deleted(spec, key))
            rows.append(_new_row(spec, key, want, mem, today))
            out.created.append(key)
            continue
        if _unchanged(current.rows[pos], want, memory.get(key), where):
            continue
        r = _Row(
            spec,
            key,
            current.rows[pos],
            colpos,
            memory.get(key, {}),
            pending.get(key, {}),
            mem,
            machine,
            stamp,
        )
        cells = _update_row(r, want, today, out.problems)
        if cells:
            rows.append(RowWrite(key, tuple(cells)))
            out.updated.append(key)
    _adopt_pending(spec, current, pending, new_memory)
    for key in keep_rows:
        new_memory.setdefault(key, {})
    out.plan = TabPlan(spec.name, spec.key, add_headers, tuple(rows))
    return out


def _adopt_pending(
    spec: TabSpec,
    current: TabData,
    pending: Mapping[str, Mapping[str, str]],
    new_memory: dict[str, dict[str, str]],
) -> None:
    """What an unfinished run wrote and is still there is the sync's own."""
    index, colpos = current.index(spec.key)[0], current.col_index()
    kinds = {c.name: c.kind for c in spec.columns}
    for key, meant in pending.items():
        pos = index.get(key)
        if pos is None:
            continue
        row = current.rows[pos]
        for col, v in meant.items():
            found = _cell(row, colpos.get(col))
            if v != "" and col in colpos and same_value(kinds.get(col, "text"), found, v):
                new_memory.setdefault(key, {}).setdefault(col, v)


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
