"""The choices the sign-up form was last brought to (`state/forms-synced.json`).

`forms create`, `forms sync` and the nightly run write it once the sign-up form offers
the programme's events to come; a night compares the choices the programme offers with
it, and touches the form (or, on the local backend, tells a lead to) only when they
differ. The choices themselves are kept, not just a hash, so the local backend can say
what to change by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from sos_sync.files import atomic_write_text

MARKER = Path("state") / "forms-synced.json"


def synced_choices(workspace: Path) -> tuple[str, ...] | None:
    """The sign-up choices last synced, or None when none were (or the file is unreadable)."""
    try:
        data = json.loads((workspace / MARKER).read_text(encoding="utf-8"))
        return tuple(str(x) for x in data["signup_choices"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def mark_synced(workspace: Path, choices: Sequence[str]) -> None:
    """Remember that the sign-up form offers `choices` (in this order)."""
    body = {
        "signup_choices": list(choices),
        "synced": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    atomic_write_text(workspace / MARKER, json.dumps(body, indent=1, ensure_ascii=False))
