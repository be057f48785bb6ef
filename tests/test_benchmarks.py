"""The benchmarks still run (at a toy size): figures nobody can produce are no figures.

They print their own figures (CPU seconds, peak memory, requests); nothing here asserts a
time, only that each runs to the end and prints its table.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> str:
    res = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    assert res.returncode == 0, res.stderr[-3000:]
    return res.stdout


def test_the_local_nights_benchmark_prints_every_night_beside_the_floor() -> None:
    out = _run("benchmarks/sync_local.py", "--sizes", "12")
    assert "12 schools, 120 responses" in out
    for night in ("first", "quiet", "again", "change", "docs"):
        assert any(line.split()[:1] == [night] for line in out.splitlines()), night


def test_the_google_documents_benchmark_counts_drive_requests() -> None:
    out = _run("benchmarks/google_requests.py", "--documents-only", "--documents", "3")
    assert "3-document night, night's listing:" in out and "Drive requests" in out


def test_the_parallel_documents_benchmark_compares_writers() -> None:
    out = _run(
        "benchmarks/google_documents.py",
        *("--documents", "4", "--latency", "0.01", "--workers", "1,2", "--schools", "8"),
    )
    assert "4-document night on the emulator" in out
    assert "workers=2: same Docs (keys) and Documents tab as the first: True" in out
