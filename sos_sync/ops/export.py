"""`sos-sync export`: the tracker as it stands, every tab, as an .xlsx backup (SPEC §10).

Works from any backend. Cells that would start a formula in a spreadsheet
(`= + - @`, tab, CR, LF) are escaped with a leading `'` (OWASP CSV injection).
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl

from sos_sync.backends.factory import make_backend
from sos_sync.config.load import load_config
from sos_sync.files import atomic_write_bytes
from sos_sync.tracker.schema import all_tabs

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def escape_cell(value: str) -> str:
    return "'" + value if value.startswith(TRIGGERS) else value


def export_tracker(workspace: Path, target: Path) -> int:
    """Write every tab to `target`; return the number of tabs written."""
    config = load_config(workspace)
    backend = make_backend(config)
    tabs = all_tabs(config.forms, [c.code for c in config.criteria])
    data = backend.tracker.read_tabs(tabs)
    wb = openpyxl.Workbook(write_only=True)
    n = 0
    for spec in tabs:
        tab = data.get(spec.name)
        if tab is None:
            continue
        ws = wb.create_sheet(spec.name)
        ws.append([escape_cell(h) for h in tab.header])
        for row in tab.rows:
            ws.append([escape_cell(v) for v in row])
        n += 1
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(target, buf.getvalue())
    return n
