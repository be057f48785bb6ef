"""One emulator per test session (per xdist worker); its world is reset before every test.

The clients are the real ones: gspread and googleapiclient, pointed at the emulator by
the emulator's own `sos_sync.emulator.clients`.
"""

from __future__ import annotations

from typing import Any

import pytest

from sos_sync.emulator import RunningEmulator
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.emulator.clients import service, sheets_client


@pytest.fixture
def gc(emulator: RunningEmulator, admin: EmulatorAdmin) -> Any:
    return sheets_client(emulator.base_url)


@pytest.fixture(scope="session")
def _services(emulator: RunningEmulator) -> dict[str, Any]:
    return {
        name: service(name, version, emulator.base_url)
        for name, version in (
            ("drive", "v3"),
            ("calendar", "v3"),
            ("forms", "v1"),
            ("docs", "v1"),
            ("sheets", "v4"),
        )
    }


@pytest.fixture
def drive(_services: dict[str, Any], admin: EmulatorAdmin) -> Any:
    return _services["drive"]


@pytest.fixture
def calendar(_services: dict[str, Any], admin: EmulatorAdmin) -> Any:
    return _services["calendar"]


@pytest.fixture
def forms(_services: dict[str, Any], admin: EmulatorAdmin) -> Any:
    return _services["forms"]


@pytest.fixture
def docs(_services: dict[str, Any], admin: EmulatorAdmin) -> Any:
    return _services["docs"]


@pytest.fixture
def sheets_api(_services: dict[str, Any], admin: EmulatorAdmin) -> Any:
    return _services["sheets"]
