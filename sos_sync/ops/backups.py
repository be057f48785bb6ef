"""Nightly tracker snapshots and `restore-check`: keep a backup per night, say how one differs.

`take_snapshot` keeps the tracker as `backups/tracker-YYYY-MM-DD.xlsx`: for the local
backend a byte copy of the file the night wrote (milliseconds, whatever its size), taken
only when it differs from the newest snapshot, so a quiet night copies nothing; for
Google an export, only when the sheet holds what the newest snapshot does not (a hash of
its tabs is kept beside the snapshots in `backups/.newest-snapshot`). It keeps the newest
`keep` snapshots, judged by the date in the file name (never by mtime, which copying or
syncing a folder changes). `restore_check` compares a snapshot
with the live tracker tab by tab, rows by each tab's key, and says in plain words what
restoring it would bring back or lose. Nothing here writes to the tracker.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sos_sync.backends.factory import make_backend
from sos_sync.backends.local.workbook.layout import FORMULA_TRIGGERS as TRIGGERS
from sos_sync.backends.local.workbook.snapshot import copy_file, same_file
from sos_sync.backends.local.xlsx import read_workbook
from sos_sync.config.load import load_config
from sos_sync.errors import ConfigError, UsageError
from sos_sync.tracker.schema import TabData, TabSpec, all_tabs

BACKUPS_DIR = "backups"
SNAPSHOT_NAME = re.compile(r"^tracker-(\d{4}-\d{2}-\d{2})\.xlsx$")
DETAILS_PER_TAB = 20
VALUE_WIDTH = 60  # longer cell values are shortened in the report


# ---------------------------------------------------------------- snapshots


def snapshot_path(workspace: Path, day: dt.date) -> Path:
    """Where the snapshot of `day` lives: `<workspace>/backups/tracker-YYYY-MM-DD.xlsx`."""
    return workspace / BACKUPS_DIR / f"tracker-{day.isoformat()}.xlsx"


def list_snapshots(workspace: Path) -> list[tuple[dt.date, Path]]:
    """The snapshots in `<workspace>/backups`, newest first by the date in their name.

    Files whose name is not `tracker-YYYY-MM-DD.xlsx` with a real date are not snapshots.
    """
    folder = workspace / BACKUPS_DIR
    if not folder.is_dir():
        return []
    found: list[tuple[dt.date, Path]] = []
    for path in folder.iterdir():
        m = SNAPSHOT_NAME.match(path.name)
        if m is None or not path.is_file():
            continue
        try:
            day = dt.date.fromisoformat(m.group(1))
        except ValueError:
            continue
        found.append((day, path))
    found.sort(key=lambda item: item[0], reverse=True)
    return found


def take_snapshot(workspace: Path, today: dt.date, keep: int) -> Path | None:
    """Keep the tracker as tonight's snapshot, then keep only the newest `keep` snapshots.

    A second run on the same day replaces that day's file atomically. `keep = 0`
    disables snapshots: nothing is written or deleted and None is returned. The file
    just written is never deleted, even when snapshots dated later than `today` exist
    (a rehearsal with `--today`); other files in the folder are never touched.

    Args:
        workspace: The workspace folder (its config says which backend holds the tracker).
        today: The night's date, used in the file name.
        keep: How many snapshots to keep (`[backups] keep`), 0 for none.

    Returns:
        The path written, or None when snapshots are disabled or the local tracker is
        the same file as the newest snapshot (nothing changed since).

    Raises:
        ConfigError: `keep` is negative.
    """
    if keep < 0:
        raise ConfigError(
            f"`[backups] keep` is {keep}; it must be 0 (no snapshots) or the number of "
            "nightly snapshots to keep, e.g. 14."
        )
    if keep == 0:
        return None
    target = snapshot_path(workspace, today)
    config = load_config(workspace)
    if config.backend == "local":
        source = config.path(config.raw.local.tracker)
        newest = list_snapshots(workspace)
        if not source.exists() or (newest and same_file(newest[0][1], source)):
            return None
        copy_file(source, target)
    else:
        from sos_sync.ops.export import export_if_changed  # openpyxl: not for a local night

        newest = list_snapshots(workspace)
        if not export_if_changed(workspace, target, newest[0][1] if newest else None):
            return None
    for _day, path in list_snapshots(workspace)[keep:]:
        if path != target:
            path.unlink(missing_ok=True)
    return target


# ---------------------------------------------------------------- restore-check


def unescape_cell(value: str) -> str:
    """Undo `export.escape_cell`: `'=HYPERLINK(...)` as exported is `=HYPERLINK(...)` again."""
    if value.startswith("'") and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value


def _same(snapshot_value: str, live_value: str) -> bool:
    # A live value that itself began with `'=` was exported unescaped, so accept either reading.
    return snapshot_value == live_value or unescape_cell(snapshot_value) == live_value


@dataclass(frozen=True)
class CellChange:
    """One cell that differs: its row's key, its column, and the value on each side."""

    key: str
    column: str
    snapshot: str
    live: str


@dataclass(frozen=True)
class TabDifference:
    """How one tab of a snapshot differs from the live tracker.

    `snapshot_rows` / `live_rows` are None when the tab is missing on that side.
    """

    tab: str
    key_column: str
    snapshot_rows: int | None
    live_rows: int | None
    only_in_snapshot: tuple[str, ...] = ()
    only_in_live: tuple[str, ...] = ()
    changed: tuple[CellChange, ...] = ()
    columns_only_in_snapshot: tuple[str, ...] = ()
    columns_only_in_live: tuple[str, ...] = ()

    @property
    def identical(self) -> bool:
        return (
            self.snapshot_rows is not None
            and self.live_rows is not None
            and not self.only_in_snapshot
            and not self.only_in_live
            and not self.changed
            and not self.columns_only_in_snapshot
            and not self.columns_only_in_live
        )

    def lines(self, limit: int = DETAILS_PER_TAB) -> list[str]:
        """The tab's differences in plain words: a summary line, then up to `limit` details."""
        if self.snapshot_rows is None and self.live_rows is None:
            return []
        if self.snapshot_rows is None:
            return [
                f"{self.tab}: not in the snapshot (the live tracker has {_n(self.live_rows or 0, 'row')})."
            ]
        if self.live_rows is None:
            return [
                f"{self.tab}: missing from the live tracker (the snapshot has {_n(self.snapshot_rows, 'row')})."
            ]
        if self.identical:
            return [f"{self.tab}: identical ({_n(self.live_rows, 'row')})."]
        parts = []
        if self.only_in_snapshot:
            parts.append(f"{_n(len(self.only_in_snapshot), 'row')} only in the snapshot")
        if self.only_in_live:
            parts.append(f"{_n(len(self.only_in_live), 'row')} only in the live tracker")
        if self.changed:
            differ = "differs" if len(self.changed) == 1 else "differ"
            parts.append(f"{_n(len(self.changed), 'cell')} {differ}")
        if self.columns_only_in_snapshot:
            parts.append(f"{_n(len(self.columns_only_in_snapshot), 'column')} only in the snapshot")
        if self.columns_only_in_live:
            parts.append(f"{_n(len(self.columns_only_in_live), 'column')} only in the live tracker")
        details = [f"column `{c}` only in the snapshot" for c in self.columns_only_in_snapshot]
        details += [f"column `{c}` only in the live tracker" for c in self.columns_only_in_live]
        details += [
            f"row {self.key_column} `{k}` only in the snapshot (deleted since?)"
            for k in self.only_in_snapshot
        ]
        details += [
            f"row {self.key_column} `{k}` only in the live tracker (added since?)"
            for k in self.only_in_live
        ]
        details += [
            f"{self.key_column} `{c.key}` › {c.column}: {_show(c.snapshot)} in the snapshot, "
            f"{_show(c.live)} now"
            for c in self.changed
        ]
        out = [f"{self.tab}: {', '.join(parts)}."]
        out += [f"  {d}" for d in details[:limit]]
        if len(details) > limit:
            out.append(f"  … and {len(details) - limit} more")
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "tab": self.tab,
            "key_column": self.key_column,
            "snapshot_rows": self.snapshot_rows,
            "live_rows": self.live_rows,
            "identical": self.identical,
            "only_in_snapshot": list(self.only_in_snapshot),
            "only_in_live": list(self.only_in_live),
            "changed": [
                {"key": c.key, "column": c.column, "snapshot": c.snapshot, "live": c.live}
                for c in self.changed
            ],
            "columns_only_in_snapshot": list(self.columns_only_in_snapshot),
            "columns_only_in_live": list(self.columns_only_in_live),
        }


@dataclass(frozen=True)
class RestoreReport:
    """How a snapshot differs from the live tracker, every tab in workbook order."""

    snapshot: Path
    tabs: tuple[TabDifference, ...]

    @property
    def identical(self) -> bool:
        return all(
            t.identical or (t.snapshot_rows is None and t.live_rows is None) for t in self.tabs
        )

    @property
    def missing_in_snapshot(self) -> tuple[str, ...]:
        return tuple(
            t.tab for t in self.tabs if t.snapshot_rows is None and t.live_rows is not None
        )

    @property
    def missing_in_live(self) -> tuple[str, ...]:
        return tuple(
            t.tab for t in self.tabs if t.live_rows is None and t.snapshot_rows is not None
        )

    def tab(self, name: str) -> TabDifference:
        for t in self.tabs:
            if t.tab == name:
                return t
        raise KeyError(name)

    def lines(self, limit: int = DETAILS_PER_TAB) -> list[str]:
        """The report in plain words: one line per differing tab and its first `limit` details."""
        present = [t for t in self.tabs if t.snapshot_rows is not None or t.live_rows is not None]
        if self.identical:
            rows = sum(t.live_rows or 0 for t in present)
            return [
                f"{self.snapshot.name} and the live tracker are identical "
                f"({_n(len(present), 'tab')}, {_n(rows, 'row')})."
            ]
        differing = [t for t in present if not t.identical]
        out = [
            f"{self.snapshot.name} differs from the live tracker in "
            f"{_n(len(differing), 'tab')} of {len(present)}:"
        ]
        for t in differing:
            out += t.lines(limit)
        same = [t.tab for t in present if t.identical]
        if same:
            out.append(f"Identical: {', '.join(same)}.")
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "snapshot": str(self.snapshot),
            "identical": self.identical,
            "tabs": [t.as_json() for t in self.tabs],
        }


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _show(value: str) -> str:
    if value == "":
        return "(empty)"
    if len(value) > VALUE_WIDTH:
        value = value[: VALUE_WIDTH - 1] + "…"
    return f"`{value}`"


def _cell(row: list[str], pos: int | None) -> str:
    return row[pos] if pos is not None and pos < len(row) else ""


def _keyed_rows(tab: TabData, key_col: str, unescape: bool) -> dict[str, list[str]]:
    """Rows by key, in sheet order; the first row wins when a key repeats; rows without a key are left out."""
    pos = tab.col_index().get(key_col)
    out: dict[str, list[str]] = {}
    if pos is None:
        return out
    for row in tab.rows:
        key = _cell(row, pos)
        if unescape:
            key = unescape_cell(key)
        if key and key not in out:
            out[key] = row
    return out


def compare_tab(spec: TabSpec, snapshot: TabData | None, live: TabData | None) -> TabDifference:
    """How one tab differs: rows matched by `spec.key`, cells by column header."""
    if snapshot is None or live is None:
        return TabDifference(
            spec.name,
            spec.key,
            None if snapshot is None else len(_keyed_rows(snapshot, spec.key, True)),
            None if live is None else len(_keyed_rows(live, spec.key, False)),
        )
    snap_header = [unescape_cell(h) for h in snapshot.header]
    snap_cols = {h: i for i, h in reversed(list(enumerate(snap_header))) if h}
    live_cols = live.col_index()
    snap_rows = _keyed_rows(TabData(snap_header, snapshot.rows), spec.key, True)
    live_rows = _keyed_rows(live, spec.key, False)
    shared = [h for h in live.header if h in snap_cols and h in live_cols]
    shared = list(dict.fromkeys(shared))
    changed: list[CellChange] = []
    for key, srow in snap_rows.items():
        lrow = live_rows.get(key)
        if lrow is None:
            continue
        for col in shared:
            s, v = _cell(srow, snap_cols[col]), _cell(lrow, live_cols[col])
            if not _same(s, v):
                changed.append(CellChange(key, col, unescape_cell(s), v))
    return TabDifference(
        spec.name,
        spec.key,
        len(snap_rows),
        len(live_rows),
        only_in_snapshot=tuple(k for k in snap_rows if k not in live_rows),
        only_in_live=tuple(k for k in live_rows if k not in snap_rows),
        changed=tuple(changed),
        columns_only_in_snapshot=tuple(h for h in snap_cols if h not in live_cols),
        columns_only_in_live=tuple(h for h in live_cols if h not in snap_cols),
    )


def compare_tracker(
    tabs: Sequence[TabSpec],
    snapshot: Mapping[str, TabData | None],
    live: Mapping[str, TabData | None],
    snapshot_path: Path,
) -> RestoreReport:
    """Compare two readings of the tracker (pure: no I/O)."""
    return RestoreReport(
        snapshot_path,
        tuple(compare_tab(s, snapshot.get(s.name), live.get(s.name)) for s in tabs),
    )


def restore_check(workspace: Path, snapshot: Path) -> RestoreReport:
    """Say how `snapshot` (an export of the tracker) differs from the live tracker.

    The live tracker is read through the workspace's backend (local `tracker.xlsx` or
    the Google Sheet); nothing is written anywhere.

    Raises:
        UsageError: `snapshot` does not exist or is not an .xlsx workbook.
        ConfigError: the workspace's configuration is wrong.
    """
    if not snapshot.is_file():
        raise UsageError(
            f"No snapshot at {snapshot}. Nightly snapshots are in {workspace / BACKUPS_DIR}; "
            "give one of those files (or any `sos-sync export` file)."
        )
    config = load_config(workspace)
    tabs = all_tabs(config.forms, [c.code for c in config.criteria])
    try:
        snap = read_workbook(snapshot, tabs)
    except Exception as exc:  # calamine raises its own error types for unreadable files
        raise UsageError(
            f"{snapshot} could not be read as an .xlsx workbook ({exc}). Give a file made by "
            "the nightly snapshot or `sos-sync export`."
        ) from exc
    live = make_backend(config).tracker.read_tabs(tabs)
    return compare_tracker(tabs, snap, live, snapshot)
