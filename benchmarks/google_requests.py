"""Benchmark: HTTP requests of the google backend on the emulator, 2,000 schools / 20,000 responses.

Prints, per API, the requests of a first night and of a quiet night (no new input) and
their seconds, as counted by the backend and by the emulator's statistics; then compares
with a row-by-row approach (gspread `append_row` per new row, `update_cell` per changed
cell) run on a separate spreadsheet of the same emulator, capped so it stays short, and
extrapolated to the whole night. Targets: Sheets requests for a night do not grow with
the number of schools; a quiet night reads each form page once plus the tracker once,
and writes nothing.

Then a 100-document night of the Drive store (issue 12): the Drive requests when each
document is first looked up by key (as before) and with the night's listing only (now).

    .venv/bin/python benchmarks/google_requests.py [--schools 2000] [--responses 20000] [--cap 400]
        [--documents 100] [--documents-only]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from sos_sync.backends.google.backend import GoogleBackend
from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.documents import GoogleDocumentStore
from sos_sync.backends.google.transport import emulator_credentials, sheets_client
from sos_sync.config.load import CONFIG_NAME, load_config
from sos_sync.domain.forms import FORM_KINDS
from sos_sync.domain.report import RunReport
from sos_sync.emulator import start_in_thread
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.ops.demo_google import seed_responses, seed_world, set_config, use_world
from sos_sync.ops.sample import DEMO_TODAY, generate_inbox
from sos_sync.ops.workspace import init_workspace
from sos_sync.run.sync import run_sync

APIS = ("forms", "sheets", "calendar", "drive", "docs")


def night(ws: Path, admin: EmulatorAdmin, label: str) -> tuple[RunReport, dict[str, Any]]:
    config = load_config(ws)
    admin.reset_stats()
    t0 = time.perf_counter()
    result = run_sync(ws, DEMO_TODAY, backend=GoogleBackend(config), config=config)
    seconds = time.perf_counter() - t0
    stats = admin.stats()
    print(
        f"{label}: {seconds:.1f} s, {result.writes} write operation(s) (tracker, calendar, documents)"
    )
    print(f"  {'api':<9} {'requests':>8} {'reads':>6} {'writes':>6}")
    for api in APIS:
        s = stats["apis"].get(api, {"requests": 0, "reads": 0, "writes": 0})
        print(f"  {api:<9} {s['requests']:>8} {s['reads']:>6} {s['writes']:>6}")
        assert s["requests"] == result.requests.get(api, 0), (api, s, result.requests)
    print(f"  {'total':<9} {stats['requests']:>8} {stats['reads']:>6} {stats['writes']:>6}")
    return result, {"seconds": seconds, **stats}


def row_by_row(
    emu_url: str, admin: EmulatorAdmin, result: RunReport, cap: int
) -> tuple[int, float]:
    """Requests a row-by-row writer needs for the same first night, and its seconds (extrapolated)."""
    plan = result
    appends = [(tp.tab, row) for tp in plan.tab_plans for row in tp.rows if row.new]
    updates = [
        (tp.tab, row.key, cell)
        for tp in plan.tab_plans
        for row in tp.rows
        if not row.new
        for cell in row.cells
    ]
    headers = sum(1 for tp in plan.tab_plans if tp.add_headers)
    needed = len(appends) + len(updates) + headers
    admin.create_spreadsheet("row by row", "rowbyrow", sheets=["Rows"])
    gc = sheets_client(emulator_credentials(), emu_url)
    ws = gc.open_by_key("rowbyrow").worksheet("Rows")
    admin.reset_stats()
    t0 = time.perf_counter()
    sent = 0
    for _tab, row in appends[: cap // 2]:
        ws.append_row([c.value for c in row.cells], value_input_option="RAW", table_range="A1")
        sent += 1
    for i in range(min(cap - sent, max(len(updates), cap - sent))):
        ws.update_cell(2 + i % 50, 1 + i % 20, f"v{i}")
        sent += 1
    seconds = time.perf_counter() - t0
    assert admin.stats()["apis"]["sheets"]["requests"] == sent
    return needed, seconds / max(sent, 1) * needed


def _docx(text: str) -> bytes:
    import io

    import docx

    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def documents_night(n: int) -> None:
    """Drive requests for `n` new documents: a lookup per document (before) vs the listing (now)."""
    with tempfile.TemporaryDirectory() as tmp:
        ws = init_workspace(Path(tmp) / "ws", example="coventry")
        emu = start_in_thread()
        try:
            admin = EmulatorAdmin(emu.base_url)
            for label, folder in (
                ("lookup per document (before)", "f1"),
                ("night's listing", "f2"),
            ):
                admin.create_folder("Documents", folder_id=folder)
                set_config(
                    ws / CONFIG_NAME,
                    {"google": {"documents_folder_id": folder, "base_url": emu.base_url}},
                )
                config = load_config(ws)
                store = GoogleDocumentStore(config, GoogleClients(config))
                admin.reset_stats()
                t0 = time.perf_counter()
                keys = [f"{folder}:award_letter:{i:04d}" for i in range(n)]
                store.read_documents(keys)
                for key in keys:
                    if folder == "f1":
                        store._find(key)  # what every document cost before
                    store.write_document(key, f"Letter {key}", _docx(key), key[-4:])
                drive = admin.stats()["apis"].get("drive", {"requests": 0})
                print(
                    f"{n}-document night, {label}: {drive['requests']} Drive requests "
                    f"in {time.perf_counter() - t0:.1f} s"
                )
        finally:
            emu.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--schools", type=int, default=2000)
    ap.add_argument("--responses", type=int, default=20000)
    ap.add_argument("--cap", type=int, default=400, help="row-by-row requests actually sent")
    ap.add_argument("--documents", type=int, default=100)
    ap.add_argument("--documents-only", action="store_true")
    args = ap.parse_args()
    documents_night(args.documents)
    if args.documents_only:
        return
    with tempfile.TemporaryDirectory() as tmp:
        ws = init_workspace(Path(tmp) / "ws", example="coventry")
        config = load_config(ws)
        generate_inbox(ws / "inbox", config, args.schools, args.responses)
        emu = start_in_thread()
        try:
            admin = EmulatorAdmin(emu.base_url)
            world = seed_world(emu, config, lead_entries=False)
            use_world(ws, world, emu.base_url)
            # the core night: documents off (each document is its own Drive upload)
            cfg = ws / CONFIG_NAME
            cfg.write_text(cfg.read_text() + "\n[documents]\nmax_per_night = 0\n")
            t0 = time.perf_counter()
            n = seed_responses(emu, admin, load_config(ws), world["forms"])
            print(
                f"{args.schools} schools, {n} responses seeded into 5 forms "
                f"in {time.perf_counter() - t0:.1f} s (documents off)"
            )
            first, first_stats = night(ws, admin, "first night")
            quiet, quiet_stats = night(ws, admin, "quiet night")
            pages = sum(
                -(-len(emu.state.forms[world["forms"][k]]["responses"]) // 5000) for k in FORM_KINDS
            )
            print(
                f"  quiet night: {quiet_stats['apis'].get('sheets', {}).get('requests', 0)} Sheets read(s), "
                f"{quiet_stats['apis'].get('forms', {}).get('requests', 0)} Forms reads "
                f"(5 forms.get + list pages; a full pass would read {pages} pages), "
                f"{quiet_stats['writes']} writes"
            )
            needed, naive_seconds = row_by_row(emu.base_url, admin, first, args.cap)
            ours = first.requests["sheets"]
            print(
                f"row by row, same first night: {needed} Sheets requests "
                f"(about {naive_seconds:.0f} s on the emulator; at Google's 60 requests/minute "
                f"at least {needed / 60:.0f} minutes) vs {ours} here: ratio {needed / max(ours, 1):.0f}x"
            )
        finally:
            emu.stop()


if __name__ == "__main__":
    main()
