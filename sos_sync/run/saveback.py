"""A stale save-back: a lead's older copy of the tracker saved over the sync's newer one.

The stamp is the `Run log`: every night that writes the tracker adds its own row, and
the state keeps the ids of those nights in order (`tracker_runs`). When the tracker no
longer carries the last of them but does carry an earlier one, the file was saved back
from that earlier generation; what the sync wrote since is missing from it.

The missing writes are the sync's own. Each row the sync changed since that generation
(its memory row records the run that last changed it) is put back: the plan sees the
tracker as the sync left it (no false "someone typed" or "deleted by hand?" problem),
and the night writes those rows again before its own changes, restoring lost
`Needs review` and `Run log` rows. A person's typing in those rows' machine cells of the
old copy is not kept (it was typed over a version the sync has since replaced); their
own columns and every other row are treated as on any night.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sos_sync.plan.planner import Plan
from sos_sync.run.state import State
from sos_sync.tracker.schema import RUN_LOG, CellWrite, RowWrite, TabData, TabPlan, TabSpec

RUNS = "tracker_runs"  # state.extra: ids of the runs that wrote the tracker, oldest first
KEEP = 400


@dataclass(frozen=True)
class SaveBack:
    generation: str  # the last run whose writes the file still carries
    repair: dict[str, dict[str, dict[str, str]]] = field(
        default_factory=dict
    )  # tab -> key -> cells
    missing: dict[str, set[str]] = field(default_factory=dict)  # tab -> rows gone from the file


def tracker_runs(extra: Mapping[str, object], run_id: str) -> list[str]:
    runs = extra.get(RUNS, [])
    old = [str(r) for r in runs] if isinstance(runs, list) else []
    return (old + [run_id])[-KEEP:]


def detect(
    state: State,
    tabs: Mapping[str, TabData | None],
    row_runs: Mapping[tuple[str, str], str],
    specs: Sequence[TabSpec],
) -> SaveBack | None:
    """The stale save-back, if the tracker is one; None on any ordinary night."""
    runs = state.extra.get(RUNS) or []
    log = tabs.get(RUN_LOG.name)
    if not runs or log is None:
        return None
    present = set(log.index(RUN_LOG.key)[0])
    if runs[-1] in present:
        return None
    older = [r for r in runs if r in present]
    if not older:
        return None  # not a copy of ours at all: every night's usual rules apply
    since = set(runs[runs.index(older[-1]) + 1 :])
    by_name = {s.name: s for s in specs}
    out = SaveBack(older[-1])
    for (tab, key), run in row_runs.items():
        spec, data = by_name.get(tab), tabs.get(tab)
        if run not in since or spec is None or data is None:
            continue
        remembered = state.memory.get(tab, {}).get(key, {})
        machine = {c.name for c in spec.columns if c.owner == "machine"}
        cells = {
            c: remembered.get(c, "") for c in machine if c in data.col_index() or c in remembered
        }
        out.repair.setdefault(tab, {})[key] = {
            c: v for c, v in cells.items() if v or c in data.col_index()
        }
        if key not in data.index(spec.key)[0]:
            out.missing.setdefault(tab, set()).add(key)
    return out


def as_the_sync_left_it(
    tabs: Mapping[str, TabData | None], saveback: SaveBack, specs: Sequence[TabSpec]
) -> dict[str, TabData | None]:
    """The tabs with the sync's missing writes put back (what the plan should see)."""
    out = dict(tabs)
    keys = {s.name: s.key for s in specs}
    for tab, rows in saveback.repair.items():
        data = tabs[tab]
        assert data is not None
        header = list(data.header)
        for cells in rows.values():
            header += [c for c in cells if c not in header]
        cols = {h: i for i, h in reversed(list(enumerate(header)))}
        body = [list(r) + [""] * (len(header) - len(r)) for r in data.rows]
        index = TabData(header, body).index(keys[tab])[0]
        for key, cells in rows.items():
            if key not in index:
                body.append([""] * len(header))
                index[key] = len(body) - 1
                body[-1][cols[keys[tab]]] = key
            for col, value in cells.items():
                body[index[key]][cols[col]] = value
        out[tab] = TabData(header, body)
    return out


def with_repair(plan: Plan, saveback: SaveBack, specs: Sequence[TabSpec]) -> Plan:
    """The plan with the missing rows written first (the plan's own cells win)."""
    by_tab = {tp.tab: tp for tp in plan.tab_plans}
    keys = {s.name: s.key for s in specs}
    kinds = {(s.name, c.name): c.kind for s in specs for c in s.columns}
    plans: list[TabPlan] = []
    for tab in dict.fromkeys([*(tp.tab for tp in plan.tab_plans), *saveback.repair]):
        own = by_tab.get(tab) or TabPlan(tab, keys[tab], (), ())
        repair = saveback.repair.get(tab, {})
        rows: list[RowWrite] = []
        seen: set[str] = set()
        for key, cells in repair.items():
            mine = next((r for r in own.rows if r.key == key), None)
            merged = {
                c: CellWrite(c, v, kinds.get((tab, c), "text"))
                for c, v in cells.items()
                if c != keys[tab]
            }
            if key in saveback.missing.get(tab, set()):
                key_cell = CellWrite(keys[tab], key, kinds.get((tab, keys[tab]), "text"))
                merged = {keys[tab]: key_cell, **merged}
            for cw in mine.cells if mine else ():
                merged[cw.column] = cw
            rows.append(
                RowWrite(key, tuple(merged.values()), key in saveback.missing.get(tab, set()))
            )
            seen.add(key)
        rows += [r for r in own.rows if r.key not in seen]
        plans.append(TabPlan(tab, own.key_column, own.add_headers, tuple(rows)))
    pending = {t: {k: dict(v) for k, v in rows.items()} for t, rows in plan.pending.items()}
    for tp in plans:
        for r in tp.rows:
            pending.setdefault(tp.tab, {}).setdefault(r.key, {}).update(
                {c.column: c.value for c in r.cells}
            )
    return dataclasses.replace(plan, tab_plans=tuple(plans), pending=pending)
