"""Serve a workspace's own emulator while a command runs (`demo --backend emulator`).

A workspace made by `sos-sync demo --backend emulator` says `google.emulator_state` in
its configuration: the rehearsal Google lives in that file, not on a server someone has
to start. Commands that reach the tracker (`sync`, `status`, `export`, `doctor`,
`problems`, `school`, `erase`) run inside `served(workspace)`, which starts the emulator
in this process from that file, points `google.base_url` at it, and stops it after.
Every other workspace passes straight through. (Only the CLI and the demo may import
the emulator.)
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sos_sync.config.load import CONFIG_NAME


def emulator_state_of(workspace: Path) -> Path | None:
    """The emulator state file the workspace's config names, if it uses one."""
    try:
        data = tomllib.loads((workspace / CONFIG_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # the command itself reports a missing or broken config
    google = data.get("google")
    if data.get("backend") != "google" or not isinstance(google, dict):
        return None
    state = google.get("emulator_state")
    return workspace / state if isinstance(state, str) and state else None


@contextmanager
def served(workspace: Path) -> Iterator[None]:
    """Serve the workspace's emulator for the block, when its config names one."""
    state = emulator_state_of(workspace)
    if state is None:
        yield
        return
    from sos_sync.config.edit import set_config
    from sos_sync.emulator import start_in_thread

    emu = start_in_thread(state)
    try:
        set_config(workspace / CONFIG_NAME, {"google": {"base_url": emu.base_url}})
        yield
    finally:
        emu.stop()
