"""Erasure and retention of personal data (UK GDPR: staff contacts of schools).

`sos-sync erase --email ADDRESS | --urn URN` takes the workspace lock before it reads or
changes anything, says whose data it is about to remove (the school's name, the schools
a person is the contact of, the documents), and asks for confirmation (`--yes` skips the
question; `--dry-run` stops after saying it). It then adds the person or school to a
suppression list kept in the workspace (as salted hashes, so the list itself holds no
addresses), removes their generated documents, and runs a night: the plan writes every
personal detail of theirs (names, roles, e-mail addresses) as erased, in the tracker,
the calendar's attendees and the documents' records. Because the list stays, the next
night does not bring the data back from the still-present form responses.
`erase --undo` takes them off the list: the next night restores what the forms still hold.
Responses older than `[retention] responses_days` are treated the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sos_sync.backends.base import Backend
from sos_sync.backends.factory import make_backend
from sos_sync.config.load import Config, load_config
from sos_sync.domain.responses import normalise_email, normalise_urn
from sos_sync.errors import UsageError
from sos_sync.run.lock import workspace_lock
from sos_sync.run.state import load_state, save_state
from sos_sync.run.suppression import add_suppression, remove_suppression
from sos_sync.run.sync import run_sync
from sos_sync.tracker.schema import SCHOOLS


@dataclass
class ErasurePlan:
    """Whose data an erasure removes, said before anything is changed."""

    who: str
    schools: dict[str, str] = field(default_factory=dict)  # URN -> school name
    documents: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"Erase the personal data of {self.who}:"]
        for urn, name in sorted(self.schools.items()):
            out.append(f"  school {name} (URN {urn}): contact names, roles and e-mail addresses")
        if self.documents:
            out.append(
                f"  {len(self.documents)} generated document(s): {', '.join(self.documents)}"
            )
        out.append("  every response, tracker cell and calendar attendee carrying it")
        return out


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
            "  It is on the suppression list: later nights will not bring it back from the forms "
            "(`sos-sync erase --undo` takes it off). Also delete the responses in Google Forms "
            "if the person asked for that."
        )
        return out


def _check(email: str | None, urn: str | None) -> str | None:
    if bool(email) == bool(urn):
        raise UsageError("Give exactly one of --email ADDRESS or --urn URN.")
    if email and normalise_email(email) is None:
        raise UsageError(f"`{email}` is not an e-mail address.")
    if urn and normalise_urn(urn) is None:
        raise UsageError(f"`{urn}` is not a 6-digit URN.")
    return normalise_urn(urn) if urn else None


def plan_erasure(
    config: Config, backend: Backend, email: str | None, urn: str | None
) -> ErasurePlan:
    """Find the schools and documents an erasure touches; UsageError for an unknown URN."""
    tab = backend.tracker.read_tabs((SCHOOLS,)).get("Schools")
    names: dict[str, str] = {}
    if tab is not None:
        for u in tab.index("URN")[0]:
            names[u] = tab.value("URN", u, "School") or ""
    schools: dict[str, str] = {}
    if urn:
        if urn not in names:
            raise UsageError(
                f"No school with URN {urn} in the tracker; nothing was erased. Check the URN "
                "(`sos-sync school URN` shows a school)."
            )
        schools[urn] = names[urn]
    elif email and tab is not None:
        wanted = email.strip().lower()
        for u in names:
            if (tab.value("URN", u, "Contact email") or "").strip().lower() == wanted:
                schools[u] = names[u]
    docs = load_state(config.workspace).extra.get("documents", {})
    documents = sorted(k for k, rec in docs.items() if rec.get("urn") in schools)
    who = f"e-mail address {email}" if email else f"{names.get(urn or '', '')} (URN {urn})"
    return ErasurePlan(who, schools, documents)


def _remove_documents(config: Config, backend: Backend, keys: list[str]) -> None:
    if not keys:
        return
    state = load_state(config.workspace)
    docs = dict(state.extra.get("documents", {}))
    for k in keys:
        backend.documents.delete_document(k)
        docs.pop(k, None)
    state.extra["documents"] = docs
    save_state(config.workspace, state)


def erase(
    workspace: Path,
    today: dt.date,
    email: str | None = None,
    urn: str | None = None,
    *,
    dry_run: bool = False,
    confirm: Callable[[ErasurePlan], bool] | None = None,
) -> ErasureReport | None:
    """Lock, plan, confirm, suppress, remove documents, and run a night that writes the erasure.

    Returns None when `dry_run` or when `confirm` says no (nothing was changed).
    """
    key = _check(email, urn)
    config = load_config(workspace)
    with workspace_lock(config.workspace, nested=True):
        backend = make_backend(config)
        plan = plan_erasure(config, backend, email, key)
        if dry_run or (confirm is not None and not confirm(plan)):
            return None
        add_suppression(config.workspace, email=email, urn=key)
        _remove_documents(config, backend, plan.documents)
        report = ErasureReport(plan.who, plan.documents)
        result = run_sync(config.workspace, today, config=config)
        for tp in result.tab_plans:
            n = sum(len(r.cells) for r in tp.rows)
            if n and tp.tab not in ("Run log", "Dashboard"):
                report.cells[tp.tab] = n
        return report


def undo_erase(workspace: Path, email: str | None = None, urn: str | None = None) -> bool:
    """Take a person or school off the suppression list; False if they were not on it."""
    key = _check(email, urn)
    config = load_config(workspace)
    with workspace_lock(config.workspace):
        return remove_suppression(config.workspace, email=email, urn=key)
