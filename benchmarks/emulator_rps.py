"""Requests per second the emulator sustains for a mix of gspread reads/writes and calendar inserts.

Runs `sos-sync emulator serve` in a subprocess (so the server does not share the client's GIL),
then drives it with the real gspread and googleapiclient from a few client processes, each doing a
bounded number of rounds of: values get, values update, append, spreadsheets get, event insert.

    .venv/bin/python benchmarks/emulator_rps.py [--rounds 150] [--clients 3] [--state]
"""

from __future__ import annotations

import argparse
import multiprocessing
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sos_sync.backends.google.transport import build_service, emulator_credentials, sheets_client
from sos_sync.emulator.client import EmulatorAdmin

CAL = "bench@example.org"


def _serve(state: Path | None) -> tuple[subprocess.Popen[str], str, float]:
    args = [
        sys.executable,
        "-c",
        "from sos_sync.emulator.cli import emulator; emulator()",
        "serve",
        "--port",
        "0",
    ]
    if state:
        args += ["--state", str(state)]
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    return process, line.split()[-1], time.perf_counter() - started


def _worker(base_url: str, n: int, rounds: int) -> str | None:
    try:
        gc = sheets_client(emulator_credentials(), base_url)
        book = gc.open_by_key("bench")
        sheet = book.worksheet(f"T{n}")
        calendar = build_service("calendar", "v3", emulator_credentials(), base_url).events()
        for i in range(rounds):
            sheet.update([[f"r{i}", i, "text"]], "A1")  # write
            sheet.get_all_values()  # read
            sheet.append_rows([[f"row {i}", str(i)]], table_range="A1")  # write
            book.fetch_sheet_metadata()  # read
            calendar.insert(
                calendarId=CAL,
                body={  # write
                    "id": f"b{n:02d}{i:06d}",
                    "summary": "bench",
                    "start": {"date": "2025-01-01"},
                    "end": {"date": "2025-01-02"},
                },
            ).execute()
    except Exception as exc:  # noqa: BLE001 - reported by main()
        return repr(exc)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds", type=int, default=150, help="rounds per client (5 requests each)"
    )
    parser.add_argument("--clients", type=int, default=3, help="client processes")
    parser.add_argument(
        "--state", action="store_true", help="persist state to a file (fsync per write)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, base_url, startup = _serve(Path(tmp) / "g.json" if args.state else None)
        try:
            admin = EmulatorAdmin(base_url)
            admin.create_spreadsheet(
                "Bench", "bench", sheets=[f"T{n}" for n in range(args.clients)]
            )
            admin.create_calendar(CAL)
            admin.reset_stats()
            jobs = [(base_url, n, args.rounds) for n in range(args.clients)]
            with multiprocessing.Pool(args.clients) as pool:
                started = time.perf_counter()
                errors = [e for e in pool.starmap(_worker, jobs) if e]
                elapsed = time.perf_counter() - started
            stats = admin.stats()
        finally:
            process.terminate()
            process.wait(timeout=10)
    if errors:
        raise SystemExit(f"benchmark failed: {errors[0]}")
    total = stats["requests"]
    print(f"startup (serve -> listening line): {startup:.3f} s")
    print(f"clients={args.clients} rounds={args.rounds} state_file={'yes' if args.state else 'no'}")
    print(
        f"requests: {total} (reads {stats['reads']}, writes {stats['writes']}, errors {stats['errors']})"
    )
    print(f"elapsed: {elapsed:.2f} s")
    print(f"throughput: {total / elapsed:.0f} requests/second")


if __name__ == "__main__":
    main()
