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
from dataclasses import dataclass, field
from pathlib import Path

from sos_sync.config.load import load_config
from sos_sync.domain.responses import normalise_email, normalise_urn
from sos_sync.errors import UsageError
from sos_sync.run.suppression import add_suppression


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
    from sos_sync.backends.factory import make_backend
    from sos_sync.run.state import load_state, save_state
    from sos_sync.run.sync import run_sync
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
    for k in removed:
        backend.documents.delete_document(k)
        docs.pop(k, None)
    if removed:
        state.extra["documents"] = docs
        save_state(ws, state)
    report.documents_removed = removed
    result = run_sync(ws, today)
    for tp in result.tab_plans:
        if tp.tab in ("Run log", "Dashboard"):
            continue
        n = sum(len(r.cells) for r in tp.rows)
        if n:
            report.cells[tp.tab] = n
    return report
