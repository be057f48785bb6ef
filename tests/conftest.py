"""Shared fixtures: fresh workspaces, the demo inbox, and a lead's hands on the tracker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import TODAY

from sos_sync.config.load import load_config
from sos_sync.domain.report import RunReport
from sos_sync.emulator import RunningEmulator, start_in_thread
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.ops.sample import write_demo_inbox
from sos_sync.ops.workspace import init_workspace
from sos_sync.run.sync import run_sync


@pytest.fixture(scope="session")
def emulator() -> Iterator[RunningEmulator]:
    """One Google Workspace emulator per test process (reset by `admin` before each test)."""
    emu = start_in_thread()
    yield emu
    emu.stop()


@pytest.fixture
def admin(emulator: RunningEmulator) -> EmulatorAdmin:
    client = EmulatorAdmin(emulator.base_url)
    client.reset()
    return client


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A new local workspace with the demo's inbox."""
    ws = init_workspace(tmp_path / "ws", example="coventry")
    write_demo_inbox(ws / "inbox", load_config(ws))
    return ws


@pytest.fixture
def empty_workspace(tmp_path: Path) -> Path:
    return init_workspace(tmp_path / "ws", example="coventry")


@pytest.fixture
def sync() -> Callable[..., RunReport]:
    def run(ws: Path, today: dt.date = TODAY, **kw: object) -> RunReport:
        return run_sync(ws, today, **kw)  # type: ignore[arg-type]

    return run
