"""Benchmark: a 100-document night of the google backend, one document at a time vs a few at once.

Each night runs in its own process against one emulator (served from this process) in
which every request waits `--latency` seconds, as a real Google request does (0.3–1 s).
The workspace is the coventry example with `--schools` generated schools: a first night
with documents off fills the tracker, then the night measured writes up to
`--documents` feedback documents with `[google] document_workers` = each of `--workers`.
Each `--workers` value starts from an emptied emulator and the same inputs (its own
forms, sheet and folder), so every measured night starts from the same place.

Printed per night: wall seconds (and how many times faster than the first), CPU seconds of the night's process (user + sys, the
night alone: interpreter start and imports left out), documents written, and requests
sent by API (as the backend counted them); then whether the nights made the same
Documents (same keys, one Doc per key) and the same Documents tab.

Drive writes are paced as the product paces them (`clients.DRIVE_WRITES_PER_MINUTE`),
or at `--drive-pace` writes a minute (a large number: unpaced).

    .venv/bin/python benchmarks/google_documents.py [--documents 100] [--latency 0.15]
        [--workers 1,4] [--schools 300] [--drive-pace N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

APIS = ("forms", "sheets", "calendar", "drive", "docs")


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def night(workspace: str, today: str, pace: int) -> None:
    """One night in this process (a child); prints its figures as JSON."""
    from sos_sync.backends.google.backend import GoogleBackend
    from sos_sync.backends.google.clients import DRIVE_WRITE_BURST
    from sos_sync.backends.google.retry import Pacer
    from sos_sync.config.load import load_config
    from sos_sync.run.sync import run_sync

    config = load_config(Path(workspace))
    drive_pacer = Pacer(pace, DRIVE_WRITE_BURST) if pace else None  # None: the product's
    backend = GoogleBackend(config, drive_pacer=drive_pacer)
    cpu, wall = _cpu(), time.perf_counter()
    result = run_sync(Path(workspace), dt.date.fromisoformat(today), backend=backend, config=config)
    figures = {
        "wall": time.perf_counter() - wall,
        "cpu": _cpu() - cpu,
        "created": result.docs_created,
        "updated": result.docs_updated,
        "requests": result.requests,
    }
    print(json.dumps(figures))


def _child(workspace: Path, today: dt.date, pace: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--night",
            str(workspace),
            today.isoformat(),
            "--drive-pace",
            str(pace),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def _world(emu: Any, base: Path, ws: Path, today: dt.date) -> None:
    """A copy of `base` with its own forms, sheet, calendar and folder, after a first night."""
    from sos_sync.backends.google.backend import GoogleBackend
    from sos_sync.config.load import load_config
    from sos_sync.emulator.client import EmulatorAdmin
    from sos_sync.ops.demo_google import seed_responses, seed_world, use_world
    from sos_sync.run.sync import run_sync

    shutil.copytree(base, ws)
    world = seed_world(emu, load_config(ws), lead_entries=False)
    config = use_world(ws, world, emu.base_url)
    seed_responses(emu, EmulatorAdmin(emu.base_url), config, world["forms"])
    run_sync(ws, today, backend=GoogleBackend(config), config=config)  # documents off


def _documents(emu: Any, ws: Path) -> tuple[dict[str, int], list[list[str]]]:
    """Docs in the workspace's folder by key (how many each), and its Documents tab."""
    from sos_sync.backends.google.transport import build_service, emulator_credentials
    from sos_sync.backends.google.transport import sheets_client as lead_sheets
    from sos_sync.config.load import load_config

    google = load_config(ws).raw.google
    drive = build_service("drive", "v3", emulator_credentials("lead"), emu.base_url).files()
    files = drive.list(
        q=f"'{google.documents_folder_id}' in parents and trashed = false",
        fields="files(id,appProperties)",
        pageSize=1000,
    ).execute()["files"]
    by_key: dict[str, int] = {}
    for f in files:
        key = (f.get("appProperties") or {}).get("sos_key", "")
        by_key[key] = by_key.get(key, 0) + 1
    sheet = lead_sheets(emulator_credentials("lead"), emu.base_url).open_by_key(
        google.spreadsheet_id
    )
    rows = sheet.worksheet("Documents").get_all_values()
    link = rows[0].index("Link")  # each world's own Doc ids: left out of the comparison
    return by_key, sorted(r[:link] + r[link + 1 :] for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=100)
    ap.add_argument("--latency", type=float, default=0.15)
    ap.add_argument("--workers", default="1,4")
    ap.add_argument("--schools", type=int, default=300)
    ap.add_argument(
        "--drive-pace", type=int, default=0, help="Drive writes a minute (0: the product's pace)"
    )
    ap.add_argument("--night", nargs=2)
    args = ap.parse_args()
    if args.night:
        night(*args.night, args.drive_pace)
        return

    from sos_sync.config.load import CONFIG_NAME, load_config
    from sos_sync.emulator import start_in_thread
    from sos_sync.emulator.client import EmulatorAdmin
    from sos_sync.ops.demo_google import set_config
    from sos_sync.ops.sample import DEMO_TODAY, generate_inbox
    from sos_sync.ops.workspace import init_workspace

    workers = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        base = init_workspace(Path(tmp) / "base", example="coventry")
        generate_inbox(base / "inbox", load_config(base), args.schools, args.schools * 10)
        cfg = base / CONFIG_NAME
        cfg.write_text(cfg.read_text() + "\n[documents]\nmax_per_night = 0\n")
        emu = start_in_thread()
        try:
            admin = EmulatorAdmin(emu.base_url)
            results: dict[int, dict[str, Any]] = {}
            made: dict[int, tuple[dict[str, int], list[list[str]]]] = {}
            for w in workers:
                ws = Path(tmp) / f"workers-{w}"
                admin.reset()
                _world(emu, base, ws, DEMO_TODAY)
                set_config(ws / CONFIG_NAME, {"documents": {"max_per_night": str(args.documents)}})
                set_config(ws / CONFIG_NAME, {"google": {"document_workers": str(w)}})
                admin.clear_faults()
                admin.add_latency(args.latency)
                results[w] = _child(ws, DEMO_TODAY + dt.timedelta(days=1), args.drive_pace)
                admin.clear_faults()
                made[w] = _documents(emu, ws)
        finally:
            emu.stop()
    _print(args, results, made)


def _print(
    args: argparse.Namespace,
    results: dict[int, dict[str, Any]],
    made: dict[int, tuple[dict[str, int], list[list[str]]]],
) -> None:
    from sos_sync.backends.google.clients import DRIVE_WRITES_PER_MINUTE

    pace = args.drive_pace or DRIVE_WRITES_PER_MINUTE
    print(
        f"{args.documents}-document night on the emulator, {args.latency:.2f} s latency per request "
        f"({args.schools} schools), Drive writes paced at {pace} a minute"
    )
    print(
        f"{'workers':>7} {'wall s':>7} {'x':>5} {'CPU s':>6} {'docs':>5} "
        + " ".join(f"{a:>8}" for a in APIS)
        + f" {'total':>6} {'Docs':>5} {'dup':>4}"
    )
    base = next(iter(results.values()))["wall"]
    for w, r in results.items():
        by_key, _tab = made[w]
        reqs = r["requests"]
        print(
            f"{w:>7} {r['wall']:7.1f} {base / r['wall']:5.1f} {r['cpu']:6.2f} "
            f"{r['created'] + r['updated']:>5} "
            + " ".join(f"{reqs.get(a, 0):>8}" for a in APIS)
            + f" {sum(reqs.values()):>6} {len(by_key):>5} {sum(n - 1 for n in by_key.values()):>4}"
        )
    first = next(iter(made.values()))
    for w, (by_key, tab) in made.items():
        same = (set(by_key), tab) == (set(first[0]), first[1])
        print(f"workers={w}: same Docs (keys) and Documents tab as the first: {same}")


if __name__ == "__main__":
    main()
