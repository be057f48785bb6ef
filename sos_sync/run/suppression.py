"""The suppression list on disk (`state/suppressed.json`), read at the start of a night."""

from __future__ import annotations

import json
from pathlib import Path

from sos_sync.domain.privacy import SUPPRESSION_FILE, Suppression, suppression_hash
from sos_sync.files import atomic_write_text


def load_suppression(workspace: Path) -> Suppression:
    path = workspace / "state" / SUPPRESSION_FILE
    if not path.exists():
        return Suppression()
    data = json.loads(path.read_text(encoding="utf-8"))
    return Suppression(frozenset(data.get("emails", [])), frozenset(data.get("urns", [])))


def add_suppression(workspace: Path, email: str | None = None, urn: str | None = None) -> None:
    s = load_suppression(workspace)
    emails, urns = set(s.emails), set(s.urns)
    if email:
        emails.add(suppression_hash("email", email.strip().lower()))
    if urn:
        urns.add(suppression_hash("urn", urn))
    atomic_write_text(
        workspace / "state" / SUPPRESSION_FILE,
        json.dumps({"emails": sorted(emails), "urns": sorted(urns)}, indent=1),
        mode=0o600,
    )


def remove_suppression(workspace: Path, email: str | None = None, urn: str | None = None) -> bool:
    """Take a person or school off the list (`erase --undo`); False if they were not on it."""
    s = load_suppression(workspace)
    emails, urns = set(s.emails), set(s.urns)
    before = len(emails) + len(urns)
    if email:
        emails.discard(suppression_hash("email", email.strip().lower()))
    if urn:
        urns.discard(suppression_hash("urn", urn))
    if len(emails) + len(urns) == before:
        return False
    atomic_write_text(
        workspace / "state" / SUPPRESSION_FILE,
        json.dumps({"emails": sorted(emails), "urns": sorted(urns)}, indent=1),
        mode=0o600,
    )
    return True
