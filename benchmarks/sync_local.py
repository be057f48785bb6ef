"""Benchmark: the local backend's nights, each beside the floor measured in the same run.

For each size (default 125, 2,000 and 8,000 schools; ten responses per school) it runs,
each night in a fresh process through the nightly wrapper (sync, morning report,
snapshot), and prints CPU seconds (user + sys) and peak memory (RSS):

- first     the first night on an empty workspace (documents off);
- quiet     the next day with nothing new in the inbox (the date alone still changes a
            few cells: schools that stalled that day get a reminder row);
- again     the same night run again: nothing at all to do (writes 0);
- change    the day after, with one new catch-up request;
- docs      the day after, with 100 feedback documents allowed.

CPU is the whole night's process, interpreter start and imports included (sos-sync's
modules compiled beforehand, as an installed copy has them; PYTHONDONTWRITEBYTECODE is
not passed on to the nights). A night reads the parses the night before kept in
`state/cache/` for files whose bytes are unchanged (the inbox's exports, the calendar
files, each tracker sheet a night did not patch, and the tracker the first night wrote).

The floor is measured in the same run on the tracker the nights made: `write` is every
cell of it written with xlsxwriter in constant-memory mode (the fastest general
writer installed; the first night's own row writer, `workbook/bulk.py`, is faster still),
`read` is every tab read with calamine. The first night is compared with
read + write, the quiet nights with read (a quiet night must read the tracker), the
change and docs nights with read + write (what rewriting the whole file would cost).

    .venv/bin/python benchmarks/sync_local.py [--sizes 125,2000,8000] [--repeat 3]

With `--repeat 3` each night runs three times from the same workspace (a copy of it as
the night before left it) and the median CPU seconds and the highest peak are printed.

Targets at 2,000 schools on the 2-core machine (SPEC §12): first <= 8 s, quiet <= 2.5 s,
change <= 5 s, docs <= 8 s CPU; peak <= 400 MB (<= 1 GB at 8,000 schools).
"""

from __future__ import annotations

import argparse
import compileall
import csv
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
DAY0 = dt.date(2025, 7, 14)


def _usage() -> tuple[float, float]:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def night(workspace: str, today: str) -> None:
    from sos_sync.run.nightly import run_night  # imports count: a night pays for them

    result = run_night(Path(workspace), dt.date.fromisoformat(today))
    cpu, peak = _usage()  # the whole process, from interpreter start
    j = result.as_json()
    print(json.dumps({"cpu": cpu, "peak": peak, "writes": j["writes"]}))


def floor(workspace: str) -> None:
    """The same cells, read with calamine and written with xlsxwriter (constant memory)."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    path = Path(workspace) / "tracker.xlsx"
    cpu0, _ = _usage()
    wb = CalamineWorkbook.from_path(str(path))
    sheets = {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names}
    cpu1, _ = _usage()
    with tempfile.TemporaryDirectory() as tmp:
        out = xlsxwriter.Workbook(str(Path(tmp) / "floor.xlsx"), {"constant_memory": True})
        date = out.add_format({"num_format": "yyyy-mm-dd"})
        for name, rows in sheets.items():
            ws = out.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, v in enumerate(row):
                    if isinstance(v, str):
                        if v:
                            ws.write_string(r, c, v)
                    elif isinstance(v, dt.date):
                        ws.write_datetime(r, c, v, date)
                    else:
                        ws.write_number(r, c, v)
        out.close()
    cpu2, peak = _usage()
    cells = sum(len(r) for rows in sheets.values() for r in rows)
    print(json.dumps({"read": cpu1 - cpu0, "write": cpu2 - cpu1, "peak": peak, "cells": cells}))


def _child(*args: str) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    res = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, cwd=HERE, env=env
    )
    if res.returncode != 0:
        raise SystemExit(f"{args[0]} failed:\n{res.stderr[-3000:]}")
    out: dict[str, float] = json.loads(res.stdout.strip().splitlines()[-1])
    return out


def _one_more_response(inbox: Path) -> None:
    """A new catch-up request: the last one again, from a new person a day later."""
    path = inbox / "catchups.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    row = list(rows[-1])
    row[0] = "2025/07/15 10:00:00 AM GMT+1"
    row[1] = "new.person@example.sch.uk"
    with path.open("a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow(row)


def _median_night(ws: Path, today: str, repeat: int) -> dict[str, float]:
    """The night run `repeat` times, each on a copy of the workspace as it was before: the
    median CPU seconds and the highest peak (a shared machine's noise is in both)."""
    before = ws.with_name(ws.name + "-before")
    if repeat > 1:
        shutil.copytree(ws, before)
    runs = []
    for i in range(repeat):
        if i:
            shutil.rmtree(ws)
            shutil.copytree(before, ws)
        runs.append(_child("--night", str(ws), today))
    if repeat > 1:
        shutil.rmtree(before)
    cpus = sorted(r["cpu"] for r in runs)
    return {**runs[-1], "cpu": cpus[len(cpus) // 2], "peak": max(r["peak"] for r in runs)}


def run_size(schools: int, repeat: int = 1) -> None:
    from sos_sync.config.load import load_config
    from sos_sync.ops.sample import generate_inbox
    from sos_sync.ops.workspace import init_workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = init_workspace(Path(tmp) / "ws", example="coventry")
        generate_inbox(ws / "inbox", load_config(ws), schools, schools * 10)
        cfg = ws / "sos-sync.toml"
        cfg.write_text(cfg.read_text() + "\n[documents]\nmax_per_night = 0\n")
        figures: dict[str, dict[str, float]] = {}
        days = {"first": 0, "quiet": 1, "again": 1, "change": 2, "docs": 3}
        for label, i in days.items():
            if label == "change":
                _one_more_response(ws / "inbox")
            if label == "docs":
                cfg.write_text(cfg.read_text().replace("max_per_night = 0", "max_per_night = 100"))
            today = (DAY0 + dt.timedelta(days=i)).isoformat()
            figures[label] = _median_night(ws, today, repeat)
        fl = _child("--floor", str(ws))
        size = (ws / "tracker.xlsx").stat().st_size / 1e6
        print(
            f"\n{schools} schools, {schools * 10} responses: tracker.xlsx {size:.1f} MB, "
            f"{fl['cells']:.0f} cells; floor: read {fl['read']:.2f} s, write {fl['write']:.2f} s"
        )
        print(
            f"{'night':8s} {'CPU s':>7s} {'peak MB':>8s} {'writes':>7s} {'floor s':>8s} {'ratio':>6s}"
        )
        for label, fig in figures.items():
            base = fl["read"] if label in ("quiet", "again") else fl["read"] + fl["write"]
            print(
                f"{label:8s} {fig['cpu']:7.2f} {fig['peak']:8.0f} {fig['writes']:7.0f} "
                f"{base:8.2f} {fig['cpu'] / base:6.1f}"
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="125,2000,8000")
    ap.add_argument("--night", nargs=2)
    ap.add_argument("--floor", nargs=1)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each night (the median)")
    args = ap.parse_args()
    if args.night:
        night(*args.night)
    elif args.floor:
        floor(args.floor[0])
    else:
        # as installed: sos-sync's modules compiled once (a night does not compile them)
        compileall.compile_dir(HERE / "sos_sync", quiet=1)
        for n in (int(s) for s in args.sizes.split(",")):
            run_size(n, args.repeat)


if __name__ == "__main__":
    main()
