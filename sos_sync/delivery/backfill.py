"""Backfill policy (SPEC §8): a workspace's first night makes documents only for responses
of the current academic year; the lead asks for the older ones with `documents backfill`.

The plan keeps the ones it left out in the documents record as ``skipped``; this module
only records the lead's request (``state.extra["documents_backfill"]``), which the next
night's plan honours.
"""

from __future__ import annotations

from pathlib import Path

from sos_sync.config.load import load_config
from sos_sync.run.lock import workspace_lock
from sos_sync.run.state import State, load_state, save_state


def allow_backfill(workspace: Path) -> int:
    """Ask for the older documents; how many the first night left out."""
    config = load_config(workspace)
    with workspace_lock(config.workspace):
        state = load_state(config.workspace)
        skipped = sum(
            1 for r in state.extra.get("documents", {}).values() if r.get("skipped") == "backfill"
        )
        extra = {**state.extra, "documents_backfill": True}
        save_state(config.workspace, State(state.memory, state.pending, extra))
    return skipped
