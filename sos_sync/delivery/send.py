"""The night's sending: documents a lead marked `Send` go to the school's contact (SPEC §8).

Called once per night before planning (`deliver_marked`). For each `Documents` row whose
`Send` cell says yes, the school's `Contact email` (Schools tab) gets the document's PDF
by e-mail, at most once: the outbox journal (`outbox.py`) is written before and after each
send, and a send left half-done by a stopped run is reported as unknown, never repeated.
A refused address is retried only once the contact e-mail has changed; an unknown send
only when the lead writes ``again`` in `Send`.

What happened is handed to the plan as ``state.extra["sent"]`` (key -> status, day,
address, detail): the plan fills `Sent on` / `Sent to` and raises `Needs review` rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from sos_sync.backends.base import DocumentStore
from sos_sync.config.load import Config
from sos_sync.delivery.mail import Letter, Refused, ServerFailed, Unknown, send_letter
from sos_sync.delivery.outbox import Entry, Outbox, outbox_path
from sos_sync.domain.document_text import names
from sos_sync.plan.model import Remembered, Snapshot
from sos_sync.run.state import State
from sos_sync.tracker.schema import TabData

SEND_WORDS = frozenset({"yes", "y", "send", "true", "x", "again"})


def marked(tabs: Mapping[str, TabData | None]) -> dict[str, str]:
    """Doc key -> the lead's `Send` word (lower case) for every row marked to send."""
    docs = tabs.get("Documents")
    if docs is None:
        return {}
    ci = docs.col_index()
    k, s = ci.get("Doc key"), ci.get("Send")
    if k is None or s is None:
        return {}
    out = {}
    for row in docs.rows:
        key = row[k].strip() if k < len(row) else ""
        word = row[s].strip().lower() if s < len(row) else ""
        if key and word in SEND_WORDS:
            out[key] = word
    return out


def send_marked(
    snapshot: Snapshot,
    config: Config,
    documents: DocumentStore | None,
    today: dt.date,
    *,
    dry_run: bool = False,
) -> Snapshot:
    """`deliver_marked` on the night's snapshot: what was sent goes to the plan with it."""
    state = deliver_marked(config, snapshot.state, snapshot.tabs, documents, today, dry_run=dry_run)
    return dataclasses.replace(snapshot, state=state)


def deliver_marked(
    config: Config,
    state: Remembered,
    tabs: Mapping[str, TabData | None],
    documents: DocumentStore | None,
    today: dt.date,
    *,
    dry_run: bool = False,
    after_send: Callable[[str], None] | None = None,
) -> State:
    """Send what the leads marked; the state with ``extra["sent"]`` brought up to date.

    `after_send` is called between a send and its journal entry (a test stops the run
    there to show the send is not repeated).
    """
    outbox = Outbox(outbox_path(config.workspace))
    wanted = marked(tabs)
    if dry_run or not (wanted or outbox.path.exists()):  # nothing to send, nothing sent yet
        return _with_sent(state, outbox.entries() if outbox.path.exists() else {}, {})
    outbox.settle_interrupted()
    entries = outbox.entries()
    local: dict[str, dict[str, str]] = {}
    for key, word in wanted.items():
        entry = entries.get(key)
        to, contact, school = _contact(tabs, key.split(":")[0])
        if not _due(entry, word, to):
            continue
        if not to:
            local[key] = {"status": "no_address", "detail": f"{school or key}: no Contact email"}
            continue
        settings = config.raw.report.mail
        if settings is None or documents is None:
            local[key] = {"status": "no_mail", "detail": "no mail server in [report.mail]"}
            continue
        try:
            pdf = documents.read_pdf(key)
        except (OSError, LookupError) as exc:
            local[key] = {"status": "no_document", "detail": str(exc)}
            continue
        letter = Letter(
            key,
            _title(tabs, key),
            to,
            contact,
            school,
            f"{names(list(config.raw.leads))}, {config.raw.team}",
            config.raw.team_email,
            pdf,
        )
        outbox.begin(key, to, today)
        try:
            send_letter(settings, letter)
        except Refused as exc:
            outbox.finish(key, "refused", str(exc))
            continue
        except Unknown as exc:
            outbox.finish(key, "unknown", str(exc))
            continue
        except ServerFailed as exc:
            outbox.cancel(key, entry)  # nothing left: as if never begun
            local[key] = {"status": "server_failed", "detail": str(exc)}
            continue
        if after_send is not None:
            after_send(key)
        outbox.finish(key, "sent")
    return _with_sent(state, outbox.entries(), local)


def _due(entry: Entry | None, word: str, to: str) -> bool:
    if entry is None:
        return True
    if entry.status == "refused":
        return entry.recipient != to  # the lead fixed the address
    if entry.status == "unknown":
        return word == "again"
    return False


def _contact(tabs: Mapping[str, TabData | None], urn: str) -> tuple[str, str, str]:
    schools = tabs.get("Schools")
    if schools is None:
        return "", "", ""
    return (
        (schools.value("URN", urn, "Contact email") or "").strip(),
        (schools.value("URN", urn, "Contact name") or "").strip(),
        (schools.value("URN", urn, "School") or "").strip(),
    )


def _title(tabs: Mapping[str, TabData | None], key: str) -> str:
    docs = tabs.get("Documents")
    title = docs.value("Doc key", key, "Title") if docs is not None else None
    return (title or "").strip() or key


def _with_sent(
    state: Remembered, entries: Mapping[str, Entry], local: Mapping[str, dict[str, str]]
) -> State:
    sent: dict[str, Any] = {
        k: {"status": e.status, "on": e.day, "to": e.recipient, "detail": e.detail}
        for k, e in entries.items()
    }
    sent.update({k: {"on": "", "to": "", **v} for k, v in local.items() if k not in sent})
    return State(state.memory, state.pending, {**state.extra, "sent": sent})
