"""`sos-sync export`: the tracker as it stands, every tab, as a backup (SPEC §10).

Works from any backend. `FILE.xlsx` gets one workbook with every tab; `FILE.csv` gets
one CSV file per tab beside it (`FILE-Schools.csv`, `FILE-Needs-review.csv`, …, UTF-8
with a BOM so Excel reads accents). Any other extension is refused before anything is
read. Cells that would start a formula in a spreadsheet (`= + - @`, tab, CR, LF) are
escaped with a leading `'` (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import openpyxl

from sos_sync.backends.factory import make_backend
from sos_sync.config.load import load_config
from sos_sync.errors import UsageError
from sos_sync.files import atomic_write_bytes, atomic_write_text
from sos_sync.tracker.schema import TabData, all_tabs

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
FORMATS = (".xlsx", ".csv")


def escape_cell(value: str) -> str:
    return "'" + value if value.startswith(TRIGGERS) else value


def csv_path(target: Path, tab: str) -> Path:
    """`backup.csv` + `Needs review` -> `backup-Needs-review.csv`."""
    return target.with_name(f"{target.stem}-{re.sub(r'[^A-Za-z0-9]+', '-', tab).strip('-')}.csv")


def write_xlsx(target: Path, tabs: list[tuple[str, TabData]]) -> list[Path]:
    wb = openpyxl.Workbook(write_only=True)
    for name, tab in tabs:
        ws = wb.create_sheet(name)
        ws.append([escape_cell(h) for h in tab.header])
        for row in tab.rows:
            ws.append([escape_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(target, buf.getvalue())
    return [target]


def _csv(target: Path, tabs: list[tuple[str, TabData]]) -> list[Path]:
    written = []
    for name, tab in tabs:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow([escape_cell(h) for h in tab.header])
        w.writerows([escape_cell(v) for v in row] for row in tab.rows)
        path = csv_path(target, name)
        atomic_write_bytes(path, buf.getvalue().encode("utf-8-sig"))
        written.append(path)
    return written


def export_tracker(workspace: Path, target: Path) -> list[Path]:
    """Write every tab to `target` (.xlsx) or one CSV per tab (.csv); return the files."""
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(
            f"`{target.name}`: export writes .xlsx (one workbook) or .csv (one file per tab); "
            "nothing was written."
        )
    tabs = tracker_tabs(workspace)
    return write_xlsx(target, tabs) if suffix == ".xlsx" else _csv(target, tabs)


def tracker_tabs(workspace: Path) -> list[tuple[str, TabData]]:
    """Every tab of the workspace's tracker as it stands, in the tracker's order."""
    config = load_config(workspace)
    specs = all_tabs(config.forms, [c.code for c in config.criteria])
    data = make_backend(config).tracker.read_tabs(specs)
    return [(s.name, t) for s in specs if (t := data.get(s.name)) is not None]


MARKER = ".newest-snapshot"  # beside the snapshots: the newest one's name, and its tabs' hash


def export_if_changed(workspace: Path, target: Path, newest: Path | None) -> bool:
    """Export the tracker to `target` (.xlsx), unless it holds what the `newest` snapshot
    holds (a quiet night nobody edited the sheet): then nothing is written (False).

    What a snapshot holds is kept as a hash of its tabs in `MARKER` beside it."""
    tabs = tracker_tabs(workspace)
    h = hashlib.sha256()
    for name, tab in tabs:
        h.update(json.dumps([name, tab.header, tab.rows], ensure_ascii=False).encode())
    marker = target.parent / MARKER
    try:
        seen = marker.read_text(encoding="utf-8").split()
    except OSError:
        seen = []
    if newest is not None and newest.exists() and seen == [newest.name, h.hexdigest()]:
        return False
    write_xlsx(target, tabs)
    atomic_write_text(marker, f"{target.name} {h.hexdigest()}\n")
    return True
