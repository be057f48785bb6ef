"""Erasure and retention of personal data (UK GDPR: staff contacts of schools).

`sos-sync erase --email ADDRESS | --urn URN` adds the person or school to a suppression
list kept in the workspace (as salted hashes, so the list itself holds no addresses),
removes their generated documents, and runs a night: the plan then writes every
personal detail of theirs (names, roles, e-mail addresses) as erased, in the tracker,
the calendar's attendees and the documents' records. Because the list stays, the next
night does not bring the data back from the still-present form responses. Responses
older than `[retention] responses_days` are treated the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sos_sync.config.load import load_config
from sos_sync.domain.responses import RawResponse, normalise_email, normalise_urn
from sos_sync.errors import UsageError
from sos_sync.files import atomic_write_text

ERASED = "(erased)"
PERSONAL_TEXT = ("contact_name", "contact_role", "attendee_name")
PERSONAL_EMAIL = ("contact_email", "attendee_email")
SUPPRESSION_FILE = "suppressed.json"


def _hash(kind: str, value: str) -> str:
    return hashlib.sha256(f"sos-sync:{kind}:{value}".encode()).hexdigest()


@dataclass(frozen=True)
class Suppression:
    """Who must not come back: hashed e-mail addresses and URNs."""

    emails: frozenset[str] = frozenset()
    urns: frozenset[str] = frozenset()

    def email(self, address: str) -> bool:
        a = (address or "").strip().lower()
        return bool(a) and _hash("email", a) in self.emails

    def urn(self, urn: str) -> bool:
        u = normalise_urn(urn or "")
        return bool(u) and _hash("urn", u or "") in self.urns

    def __bool__(self) -> bool:
        return bool(self.emails or self.urns)


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
        emails.add(_hash("email", email.strip().lower()))
    if urn:
        urns.add(_hash("urn", urn))
    atomic_write_text(
        workspace / "state" / SUPPRESSION_FILE,
        json.dumps({"emails": sorted(emails), "urns": sorted(urns)}, indent=1),
        mode=0o600,
    )


def matches(raw: RawResponse, s: Suppression) -> bool:
    """True when a response carries a suppressed person's address or a suppressed school's URN."""
    if not s:
        return False
    if s.email(raw.email) or s.urn(str(raw.answers.get("urn", ""))):
        return True
    return any(s.email(str(raw.answers.get(f, ""))) for f in PERSONAL_EMAIL)


def redact(raw: RawResponse) -> RawResponse:
    """The response with every personal detail erased; the school's answers stay."""
    answers: dict[str, Any] = dict(raw.answers)
    for f in PERSONAL_TEXT:
        if answers.get(f):
            answers[f] = ERASED
    for f in PERSONAL_EMAIL:
        if f in answers:
            answers[f] = ""
    return replace(raw, email="", answers=answers)


def too_old(raw: RawResponse, submitted: dt.datetime | None, today: dt.date, days: int) -> bool:
    return bool(days) and submitted is not None and (today - submitted.date()).days > days


@dataclass
class ErasureReport:
    who: str
    documents_removed: list[str] = field(default_factory=list)
    cells: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"Erased the personal data of {self.who}."]
        if self.cells:
            for tab, n in sorted(self.cells.items()):
                out.append(f"  {tab}: {n} cell(s) rewritten")
        else:
            out.append("  The tracker held none of it.")
        if self.documents_removed:
            out.append(
                f"  {len(self.documents_removed)} generated document(s) removed: "
                + ", ".join(self.documents_removed)
            )
        out.append(
            "  It is on the suppression list: later nights will not bring it back from the forms. "
            "Also delete the responses in Google Forms if the person asked for that."
        )
        return out


def erase(
    workspace: Path, today: dt.date, email: str | None = None, urn: str | None = None
) -> ErasureReport:
    """Suppress, remove documents, and run a night that writes the erasure."""
    from sos_sync.run.state import load_state, save_state
    from sos_sync.run.sync import make_backend, run_sync
    from sos_sync.tracker.schema import SCHOOLS

    if bool(email) == bool(urn):
        raise UsageError("Give exactly one of --email ADDRESS or --urn URN.")
    if email and normalise_email(email) is None:
        raise UsageError(f"`{email}` is not an e-mail address.")
    if urn and normalise_urn(urn) is None:
        raise UsageError(f"`{urn}` is not a 6-digit URN.")
    config = load_config(workspace)
    ws = config.workspace
    add_suppression(ws, email=email, urn=normalise_urn(urn) if urn else None)
    report = ErasureReport(f"e-mail address {email}" if email else f"school URN {urn}")
    # documents of the school (by URN) or of schools whose contact the person was
    state = load_state(ws)
    docs = dict(state.extra.get("documents", {}))
    urns: set[str] = {normalise_urn(urn) or ""} if urn else set()
    backend = make_backend(config)
    if email:
        tab = backend.tracker.read_tabs((SCHOOLS,)).get("Schools")
        if tab is not None:
            for u in tab.index("URN")[0]:
                if (
                    tab.value("URN", u, "Contact email") or ""
                ).strip().lower() == email.strip().lower():
                    urns.add(u)
    removed = [k for k, rec in docs.items() if rec.get("urn") in urns]
    store = getattr(backend, "documents", None)
    for k in removed:
        if store is not None and hasattr(store, "delete_document"):
            store.delete_document(k)
        docs.pop(k, None)
    if removed:
        state.extra["documents"] = docs
        save_state(ws, state)
    report.documents_removed = removed
    result = run_sync(ws, today)
    if result.plan:
        for tp in result.plan.tab_plans:
            if tp.tab in ("Run log", "Dashboard"):
                continue
            n = sum(len(r.cells) for r in tp.rows)
            if n:
                report.cells[tp.tab] = n
    return report
