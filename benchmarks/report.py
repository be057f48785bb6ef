"""Benchmark: `sos-sync report` at 2,000 schools with a year of nightly run history.

Builds a local workspace from the generated inbox (2,000 schools, 20,000 responses),
syncs it once, gives it 365 nights of run history (the state's run history, one record a
night as the sync writes it), then times, each in a fresh process so peak memory (RSS)
is the report's own: the year's figures as JSON, and the year's report as HTML and PDF.

    .venv/bin/python benchmarks/report.py [--schools 2000] [--responses 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = "2025-07-14"


def child(workspace: str, out: str) -> None:
    t0 = time.perf_counter()
    from sos_sync.ops.report.model import build_report
    from sos_sync.ops.report.output import write_report
    from sos_sync.ops.report.period import resolve_period

    today = dt.date.fromisoformat(TODAY)
    report = build_report(Path(workspace), resolve_period(today, year="2024-25"))
    built = time.perf_counter() - t0
    if out:
        write_report(report, Path(workspace) / out, today)
    else:
        json.dumps(report.as_json())
    print(
        json.dumps(
            {
                "output": out or "json",
                "seconds": round(time.perf_counter() - t0, 2),
                "figures_seconds": round(built, 2),
                "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "engaged": report.figure("engaged").value,
                "history_nights": int((report.steps_over_time["Source"] == "run history").sum()),
            }
        )
    )


def prepare(workspace: Path, schools: int, responses: int) -> None:
    from sos_sync.config.load import load_config
    from sos_sync.ops.sample import generate_inbox
    from sos_sync.ops.workspace import init_workspace
    from sos_sync.run.state import append_runs
    from sos_sync.run.sync import run_sync

    init_workspace(workspace, example="coventry")
    generate_inbox(workspace / "inbox", load_config(workspace), schools, responses)
    result = run_sync(workspace, dt.date.fromisoformat(TODAY))
    by_step = result.by_step
    rng = random.Random(1)
    lines = []
    for k in range(365, 0, -1):  # a plausible year: the programme grows towards today's counts
        day = dt.date.fromisoformat(TODAY) - dt.timedelta(days=k)
        share = (365 - k) / 365
        counts = {str(s): int(n * share) + rng.randrange(2) for s, n in by_step.items()}
        lines.append({"ok": True, "today": day.isoformat(), "by_step": counts})
    append_runs(workspace, lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--schools", type=int, default=2000)
    ap.add_argument("--responses", type=int, default=20000)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        t0 = time.perf_counter()
        prepare(ws, args.schools, args.responses)
        print(
            f"workspace: {args.schools} schools, {args.responses} responses, "
            f"365 nights of history ({time.perf_counter() - t0:.1f} s to prepare)"
        )
        for out in ("", "report.html", "report.pdf"):
            p = subprocess.run(
                [sys.executable, __file__, "--child", str(ws), out],
                capture_output=True,
                text=True,
                check=True,
            )
            print(p.stdout.strip())


if __name__ == "__main__":
    main()
