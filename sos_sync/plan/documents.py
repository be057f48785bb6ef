"""Which feedback documents the night generates (SPEC §8).

One document per key (school + kind + stage), regenerated only when its inputs change.
A document a person edited since it was generated is never overwritten: a `Needs
review` row says so. At most `max_per_night` documents are generated in one night; the
rest wait for the next (the report says how many).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sos_sync.domain.document_inputs import inputs_key
from sos_sync.domain.documents import TemplateError, inputs_hash, render_document
from sos_sync.domain.responses import Problem


class LazyContext(Mapping[str, Any]):
    """A document's context, built the first time it is read: a night that neither compares
    nor renders the document (documents off, or waiting for a later night) never builds it."""

    def __init__(self, build: Callable[[], Mapping[str, Any]]) -> None:
        self._build = build
        self._built: Mapping[str, Any] | None = None

    def _context(self) -> Mapping[str, Any]:
        if self._built is None:
            self._built = self._build()
        return self._built

    def __getitem__(self, key: str) -> Any:
        return self._context()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._context())

    def __len__(self) -> int:
        return len(self._context())


@dataclass(frozen=True)
class WantedDocument:
    key: str
    kind: str
    urn: str
    school: str
    context: Mapping[str, Any]
    dated: dt.date | None = None  # the response or award it answers (backfill policy)


@dataclass(frozen=True)
class DocumentJob:
    key: str
    kind: str
    urn: str
    title: str
    docx: bytes  # the rendered .docx: written as is locally, converted to a Google Doc on Google
    inputs_hash: str
    new: bool


@dataclass(frozen=True)
class DocumentsPlan:
    jobs: tuple[DocumentJob, ...]
    status: dict[str, str]  # key -> what the Documents tab says
    record: dict[
        str, dict[str, str]
    ]  # key -> {"hash","fingerprint","link","generated_on","title","kind","urn","inputs"}
    problems: list[Problem] = field(default_factory=list)
    deferred: int = 0


KIND_LABELS = {
    "audit_feedback": "Audit feedback",
    "application_feedback": "Application feedback",
    "award_letter": "Award letter",
    "award_certificate": "Award certificate",
    "reminder": "Reminder",
}


class _Current(Protocol):
    """What the plan needs of a document as the store holds it (`backends.base.DocState`)."""

    @property
    def fingerprint(self) -> str: ...

    @property
    def link(self) -> str: ...

    @property
    def duplicates(self) -> tuple[str, ...]: ...

    def unchanged_since(self, recorded: str | None) -> bool: ...


def plan_documents(
    wanted: Sequence[WantedDocument],
    current: Mapping[str, _Current],
    recorded: Mapping[str, Mapping[str, str]],
    templates_dir: Path,
    today: dt.date,
    max_per_night: int,
    backfill_before: dt.date | None = None,
) -> DocumentsPlan:
    """What to generate this night. `backfill_before`: on a workspace's first night,
    documents dated before it are not made (kept as `skipped` in the record, so later nights
    leave them too) until the lead asks for them (`sos-sync documents backfill`)."""
    # the first night is the first day anything was made (a rerun after a killed run is too)
    first_night = not any(
        r.get("generated_on", today.isoformat()) < today.isoformat() for r in recorded.values()
    )
    jobs: list[DocumentJob] = []
    status: dict[str, str] = {}
    record: dict[str, dict[str, str]] = {k: dict(v) for k, v in recorded.items()}
    problems: list[Problem] = []
    deferred = 0
    for w in wanted:
        rec = recorded.get(w.key)
        old = backfill_before is not None and w.dated is not None and w.dated < backfill_before
        if old and ((rec is None and first_night) or (rec is not None and rec.get("skipped"))):
            record[w.key] = {"skipped": "backfill", "kind": w.kind, "urn": w.urn, "title": ""}
            status[w.key] = (
                f"Not made: dated before {backfill_before:%d %B %Y} "
                "(`sos-sync documents backfill` makes it)"
            )
            continue
        try:
            digest, key = _inputs_hash(w, rec, templates_dir)
            if rec is not None and key and rec.get("hash") == digest != "":
                record[w.key]["inputs"] = key  # made by an earlier release: hashed once more
            cur = current.get(w.key)
            if cur is not None:
                problems.extend(_duplicate_problems(w, cur))
                if rec is not None and _unchanged(cur, rec):
                    record[w.key]["fingerprint"] = cur.fingerprint  # an older form upgraded
                    record[w.key].pop(EDITED_SEEN, None)
                elif rec is not None:  # a person's edit: not looked at again until the next
                    record[w.key][EDITED_SEEN] = cur.fingerprint
            kept = _kept(w, rec, cur, digest)
            if kept is None and len(jobs) >= max_per_night:
                deferred += 1
                kept = "Waiting: generated on a later night (nightly limit)", None
            if kept is not None:
                status[w.key], problem = kept
                problems.extend([problem] if problem else [])
                continue
            doc = render_document(w.kind, w.key, w.context, templates_dir)
        except TemplateError as exc:
            problems.append(_template_problem(w, exc))
            status[w.key] = "Template error"
            continue
        jobs.append(
            DocumentJob(w.key, w.kind, w.urn, doc.title, doc.docx, doc.inputs_hash, rec is None)
        )
        record[w.key] = {
            "hash": doc.inputs_hash,
            "fingerprint": f"⟦docfp:{w.key}⟧",
            "link": f"⟦doc:{w.key}⟧",
            "generated_on": today.isoformat(),
            "title": doc.title,
            "kind": w.kind,
            "urn": w.urn,
            "inputs": inputs_key(w.kind, w.context, templates_dir),
        }
        status[w.key] = "Generated"
    return DocumentsPlan(tuple(jobs), status, record, problems, deferred)


def _inputs_hash(
    w: WantedDocument, rec: Mapping[str, str] | None, templates_dir: Path
) -> tuple[str, str]:
    """The inputs hash to compare with the recorded one. Only a document made before is
    compared: a new one is rendered (which hashes its inputs) or waits, so a night with
    documents off hashes nothing. Inputs with the key recorded when the document was made
    have its recorded hash: an unchanged document is not validated and hashed again.
    Returns the hash and the inputs key ("" when it cannot be made)."""
    if rec is None:
        return "", ""
    key = inputs_key(w.kind, w.context, templates_dir)
    if key and rec.get("inputs") == key and rec.get("hash"):
        return rec["hash"], key
    return inputs_hash(w.kind, w.key, w.context, templates_dir), key


EDITED_SEEN = "edited_seen"  # the fingerprint a document had when a person's edit was found


def _unchanged(cur: _Current, rec: Mapping[str, str]) -> bool:
    """Whether the document is as the sync left it. One whose fingerprint is still the one
    it had when a person's edit was found is edited, without asking the backend again (on
    Google that would export its text every night)."""
    seen = rec.get(EDITED_SEEN)
    if seen and seen == cur.fingerprint:
        return False
    return cur.unchanged_since(rec.get("fingerprint"))


def _kept(
    w: WantedDocument, rec: Mapping[str, str] | None, cur: _Current | None, digest: str
) -> tuple[str, Problem | None] | None:
    """Why the document is left as it is (status, problem), or None: (re)generate it.

    An unchanged document stays; a changed one a person edited is never overwritten; a
    changed one whose old file is gone (deleted for a fresh one) is made again.
    """
    if rec is None:
        return None
    label = KIND_LABELS.get(w.kind, w.kind).lower()
    if rec.get("hash") == digest:
        if cur is None:
            return "Missing (deleted by hand?)", _doc_problem(
                "doc_deleted",
                f"The {label} for {w.school} was deleted or moved out of the documents folder; "
                "the sync did not make it again. If it is needed, restore it from the bin.",
                w,
                rec,
                w.key,
            )
        edited = not _unchanged(cur, rec)
        return ("Generated; edited since by a person" if edited else "Generated"), None
    if cur is not None and not _unchanged(cur, rec):
        return "Edited by a person: not overwritten", _doc_problem(
            "doc_edited",
            f"The {label} for {w.school} changed in the tracker since it was generated, but "
            "someone has edited the document, so it was not overwritten. Update the document "
            "by hand, or delete it to have a fresh one made the next night.",
            w,
            rec,
            f"{w.key} {digest[:12]}",
        )
    return None


def _doc_problem(
    code: str, message: str, w: WantedDocument, rec: Mapping[str, str], source_key: str
) -> Problem:
    return Problem(
        code,
        message,
        value=rec.get("title", w.key),
        school=w.school,
        urn=w.urn,
        source_key=source_key,
        form="Documents",
    )


def _template_problem(w: WantedDocument, exc: TemplateError) -> Problem:
    return Problem(
        "template_error",
        f"The {KIND_LABELS.get(w.kind, w.kind).lower()} for {w.school} was not generated: {exc}. "
        "Fix the template; the other documents carry on.",
        value=str(exc)[:200],
        school=w.school,
        urn=w.urn,
        source_key=w.key,
        form="Documents",
    )


def _duplicate_problems(w: WantedDocument, cur: _Current) -> list[Problem]:
    """One problem per extra document found under the key (the same every night: reported once)."""
    return [
        Problem(
            "doc_duplicate",
            f"Two documents were found for the {KIND_LABELS[w.kind].lower()} for {w.school}; "
            f"the sync keeps {cur.link} and left the other alone. Delete the other one.",
            value=link,
            school=w.school,
            urn=w.urn,
            source_key=w.key,
            form="Documents",
        )
        for link in cur.duplicates
    ]


_SEND_PROBLEMS = {
    "refused": "The mail server refused the school's address ({detail}). Correct the Contact "
    "email in the Schools tab; the document is sent the next night.",
    "unknown": "The sync stopped while sending this document ({detail}), so it may or may not "
    "have reached the school. It will not be sent again on its own: check with the school, and "
    "write `again` in Send to send it once more.",
    "no_address": "It is marked Send but the school has no Contact email. Add one in the "
    "Schools tab.",
    "no_mail": "It is marked Send but no mail server is set up: add [report.mail] to "
    "sos-sync.toml.",
    "no_document": "It is marked Send but its PDF could not be read ({detail}).",
    "server_failed": "It is marked Send but the mail server failed ({detail}); nothing was "
    "sent, and the next night tries again.",
}


def sent_cells(sent: Mapping[str, Any] | None) -> dict[str, str]:
    """`Sent on` / `Sent to` of a Documents row from its ``state.extra["sent"]`` record."""
    if not sent or sent.get("status") != "sent":
        return {}
    return {"Sent on": str(sent.get("on", "")), "Sent to": str(sent.get("to", ""))}


def send_problems(
    sent: Mapping[str, Mapping[str, Any]], schools: Mapping[str, str]
) -> list[Problem]:
    """A `Needs review` row for every send that did not go as planned (one per key and case)."""
    out = []
    for key, rec in sorted(sent.items()):
        status = str(rec.get("status", ""))
        if status not in _SEND_PROBLEMS:
            continue
        urn = key.split(":")[0]
        label = KIND_LABELS.get(key.split(":")[1] if ":" in key else "", "document").lower()
        school = schools.get(urn, urn)
        out.append(
            Problem(
                f"send_{status}",
                f"The {label} for {school} was not sent: "
                + _SEND_PROBLEMS[status].format(detail=rec.get("detail", "")),
                value=str(rec.get("to", "")),
                school=school,
                urn=urn,
                source_key=f"{key} send {status} {rec.get('to', '')}",
                form="Documents",
            )
        )
    return out


def academic_year_start(today: dt.date) -> dt.date:
    """1 September of the academic year `today` is in."""
    return dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def backfill_cutoff(extra: Mapping[str, Any], today: dt.date) -> dt.date | None:
    """Documents dated before this are not made on a first night (None: the lead asked for
    all of them with `sos-sync documents backfill`)."""
    return None if extra.get("documents_backfill") else academic_year_start(today)


def merge_plans(first: DocumentsPlan, then: DocumentsPlan) -> DocumentsPlan:
    """`then` planned over `first`'s record (its record already holds both). The record is
    in the order the documents are wanted, then the rest: the same whatever earlier runs were
    cut short (a `Documents` row's place does not depend on them)."""
    status = {**first.status, **then.status}
    wanted = {k: then.record[k] for k in status if k in then.record}
    return DocumentsPlan(
        first.jobs + then.jobs,
        status,
        {**wanted, **then.record},
        [*first.problems, *then.problems],
        first.deferred + then.deferred,
    )
