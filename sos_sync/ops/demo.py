"""`sos-sync demo`: a fictional sample workspace, synced, to look at (SPEC §10).

A second `demo` with the same `--out` is a second night on the same workspace.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl

from sos_sync.config.load import CONFIG_NAME, load_config
from sos_sync.domain.forms import FORM_KINDS
from sos_sync.domain.report import RunReport
from sos_sync.errors import UsageError
from sos_sync.ops.sample import DEMO_LEAD_ENTRIES, write_demo_inbox
from sos_sync.ops.workspace import init_workspace
from sos_sync.run.nightly import run_night
from sos_sync.tracker.schema import SCHOOLS


def _seed_lead_entries(tracker: Path) -> None:
    """The tracker as the leads left it: panel, visit and award dates they typed."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Schools"
    ws.append(list(SCHOOLS.headers))
    cols = {h: i + 1 for i, h in enumerate(SCHOOLS.headers)}
    for r, (urn, entries) in enumerate(DEMO_LEAD_ENTRIES.items(), start=2):
        ws.cell(row=r, column=1, value=urn)
        for col, value in entries.items():
            v: object = value
            if col.endswith(("date", "on")):
                v = dt.date.fromisoformat(value)
            ws.cell(row=r, column=cols[col], value=v)
    wb.save(tracker)


def prepare_demo(out: Path, inbox: Path | None = None) -> Path:
    """Create the sample workspace in `out` (or refresh its inbox if it exists already)."""
    out = out.resolve()
    fresh = not (out / CONFIG_NAME).exists()
    if fresh:
        if out.exists() and any(out.iterdir()):
            raise UsageError(f"{out} is not empty and is not a workspace; choose another --out.")
        init_workspace(out, example="coventry")
    config = load_config(out)
    target = config.path(config.raw.local.inbox)
    if inbox is not None:
        if not inbox.is_dir():
            raise UsageError(f"--inbox {inbox}: no such folder.")
        for kind in FORM_KINDS:
            name = config.forms[kind].inbox_file
            if (inbox / name).exists():
                shutil.copyfile(inbox / name, target / name)
    elif fresh:
        write_demo_inbox(target, config)
        _seed_lead_entries(config.path(config.raw.local.tracker))
    return out


def run_demo(out: Path, today: dt.date, inbox: Path | None = None) -> RunReport:
    workspace = prepare_demo(out, inbox)
    return run_night(workspace, today)
