"""Benchmark: the local backend with 2,000 schools and 20,000 responses.

Prints seconds and peak memory (RSS) for a first sync and a quiet rerun (documents
off), then for one night that generates 100 feedback documents. Targets on the 2-core
machine: first sync < 20 s, rerun < 5 s, peak memory < 1 GB.

    .venv/bin/python benchmarks/sync_local.py [--schools 2000] [--responses 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def child(workspace: str, today: str) -> None:
    from sos_sync.run.sync import run_sync

    t0 = time.perf_counter()
    result = run_sync(Path(workspace), dt.date.fromisoformat(today))
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    j = result.as_json()
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "peak_mb": round(peak_mb),
                "writes": j["writes"],
                "new": j["responses"]["new"],
                "schools": sum(j["schools"]["by_step"].values()),
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--schools", type=int, default=2000)
    ap.add_argument("--responses", type=int, default=20000)
    ap.add_argument("--child", nargs=2)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    from sos_sync.config.load import load_config
    from sos_sync.ops.sample import generate_inbox
    from sos_sync.ops.workspace import init_workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = init_workspace(Path(tmp) / "ws", example="coventry")
        config = load_config(ws)
        t0 = time.perf_counter()
        generate_inbox(ws / "inbox", config, args.schools, args.responses)
        print(
            f"generated {args.schools} schools / {args.responses} responses in {time.perf_counter() - t0:.1f} s"
        )
        cfg = ws / "sos-sync.toml"
        # The core night first, documents off; then one night that generates documents.
        cfg.write_text(cfg.read_text() + "\n[documents]\nmax_per_night = 0\n")
        print("documents off (max_per_night = 0):")
        nights = ["first sync", "rerun (quiet)"]
        for label in nights + ["docs night"]:
            if label == "docs night":
                cfg.write_text(cfg.read_text().replace("max_per_night = 0", "max_per_night = 100"))
                print("documents on, 100 per night (renders, writes .docx, rewrites the tracker):")
            # each night in a fresh process so peak memory is the night's own
            res = subprocess.run(
                [sys.executable, __file__, "--child", str(ws), "2025-07-14"],
                capture_output=True,
                text=True,
                check=True,
                cwd=HERE,
            )
            fig = json.loads(res.stdout.strip().splitlines()[-1])
            print(
                f"{label:14s} {fig['seconds']:6.2f} s  peak {fig['peak_mb']:5d} MB  "
                f"writes {fig['writes']:7d}  new responses {fig['new']:6d}  schools {fig['schools']}"
            )
        size = (ws / "tracker.xlsx").stat().st_size
        print(f"tracker.xlsx {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
