"""Whole nights of the google backend against one in-process emulator (reset before each test).

No `__init__.py` here on purpose: a `tests/google` package would shadow the `google`
namespace package (google-auth) under pytest's default import mode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sos_sync.backends.google.backend import GoogleBackend
from sos_sync.backends.google.retry import Pacer, RetryPolicy
from sos_sync.backends.google.transport import emulator_credentials, sheets_client
from sos_sync.config.load import load_config
from sos_sync.domain.report import RunReport
from sos_sync.emulator import RunningEmulator
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.ops.demo import prepare_demo
from sos_sync.ops.demo_google import seed_responses, seed_world, use_world
from sos_sync.ops.sample import DEMO_TODAY
from sos_sync.run.sync import run_sync

TODAY = DEMO_TODAY


def fast_policy(tries: int = 5, budget: float = 120.0) -> RetryPolicy:
    """The product's policy with sleeps skipped (the clock still moves, as if slept)."""
    clock = [0.0]

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    return RetryPolicy(tries=tries, budget=budget, sleep=sleep, clock=lambda: clock[0])


def make_google_workspace(
    emulator: RunningEmulator, folder: Path, lead_entries: bool = True
) -> Path:
    """A demo workspace whose forms, sheet, calendar and folder live in the emulator."""
    ws = prepare_demo(folder)
    config = load_config(ws)
    world = seed_world(emulator, config, lead_entries=lead_entries)
    config = use_world(ws, world, emulator.base_url)
    seed_responses(emulator, EmulatorAdmin(emulator.base_url), config, world["forms"])
    return ws


@pytest.fixture
def google_ws(emulator: RunningEmulator, admin: EmulatorAdmin, tmp_path: Path) -> Path:
    return make_google_workspace(emulator, tmp_path / "ws")


Night = Callable[..., RunReport]


@pytest.fixture
def night() -> Night:
    """Run one night on a workspace with the google backend (fast retries, real pacing)."""

    def run(ws: Path, today: dt.date = TODAY, policy: RetryPolicy | None = None) -> RunReport:
        config = load_config(ws)
        backend = GoogleBackend(config, policy=policy or fast_policy(), pacer=Pacer(600, 100))
        return run_sync(ws, today, backend=backend, config=config)

    return run


@pytest.fixture
def gc(emulator: RunningEmulator) -> Any:
    """A lead's gspread, on the same spreadsheet."""
    return sheets_client(emulator_credentials("lead"), emulator.base_url, timeout=10)


def tab_rows(gc: Any, ws: Path, name: str) -> list[dict[str, str]]:
    """A tracker tab of the workspace's Google Sheet as dicts by header (blank rows left out)."""
    sid = load_config(ws).raw.google.spreadsheet_id
    values = gc.open_by_key(sid).worksheet(name).get_all_values()
    header = values[0]
    return [dict(zip(header, r, strict=False)) for r in values[1:] if any(r)]
