"""Which feedback documents the night generates (SPEC §8).

One document per key (school + kind + stage), regenerated only when its inputs change.
A document a person edited since it was generated is never overwritten: a `Needs
review` row says so. At most `max_per_night` documents are generated in one night; the
rest wait for the next (the report says how many).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sos_sync.backends.base import DocState
from sos_sync.domain.documents import TemplateError, inputs_hash, render_document
from sos_sync.domain.responses import Problem


@dataclass(frozen=True)
class WantedDocument:
    key: str
    kind: str
    urn: str
    school: str
    context: Mapping[str, Any]


@dataclass(frozen=True)
class DocumentJob:
    key: str
    kind: str
    urn: str
    title: str
    html: str
    inputs_hash: str
    new: bool


@dataclass(frozen=True)
class DocumentsPlan:
    jobs: tuple[DocumentJob, ...]
    status: dict[str, str]  # key -> what the Documents tab says
    record: dict[
        str, dict[str, str]
    ]  # key -> {"hash","fingerprint","link","generated_on","title","kind","urn"}
    problems: list[Problem] = field(default_factory=list)
    deferred: int = 0


KIND_LABELS = {
    "audit_feedback": "Audit feedback",
    "application_feedback": "Application feedback",
    "award_letter": "Award letter",
}


def plan_documents(
    wanted: Sequence[WantedDocument],
    current: Mapping[str, DocState],
    recorded: Mapping[str, Mapping[str, str]],
    templates_dir: Path,
    today: dt.date,
    max_per_night: int,
) -> DocumentsPlan:
    jobs: list[DocumentJob] = []
    status: dict[str, str] = {}
    record: dict[str, dict[str, str]] = {k: dict(v) for k, v in recorded.items()}
    problems: list[Problem] = []
    deferred = 0
    for w in wanted:
        try:
            digest = inputs_hash(w.kind, w.key, w.context, templates_dir)
        except TemplateError as exc:
            problems.append(_template_problem(w, exc))
            status[w.key] = "Template error"
            continue
        rec = recorded.get(w.key)
        cur = current.get(w.key)
        if cur is not None:
            problems.extend(_duplicate_problems(w, cur))
        if rec is not None and cur is not None and cur.unchanged_since(rec.get("fingerprint")):
            record[w.key]["fingerprint"] = cur.fingerprint  # a fingerprint of an older form
        if rec is not None and rec.get("hash") == digest:
            if cur is None:
                problems.append(
                    Problem(
                        "doc_deleted",
                        f"The {KIND_LABELS[w.kind].lower()} for {w.school} was deleted or moved "
                        "out of the documents folder; the sync did not make it again. If it is "
                        "needed, restore it from the bin.",
                        value=rec.get("title", w.key),
                        school=w.school,
                        urn=w.urn,
                        source_key=w.key,
                        form="Documents",
                    )
                )
                status[w.key] = "Missing (deleted by hand?)"
            else:
                status[w.key] = (
                    "Generated"
                    if cur.unchanged_since(rec.get("fingerprint"))
                    else "Generated; edited since by a person"
                )
            continue
        if rec is not None and cur is not None and not cur.unchanged_since(rec.get("fingerprint")):
            problems.append(
                Problem(
                    "doc_edited",
                    f"The {KIND_LABELS[w.kind].lower()} for {w.school} changed in the tracker since "
                    "it was generated, but someone has edited the document, so it was not "
                    "overwritten. Update the document by hand, or delete it to have a fresh one "
                    "made the next night.",
                    value=rec.get("title", w.key),
                    school=w.school,
                    urn=w.urn,
                    source_key=f"{w.key} {digest[:12]}",
                    form="Documents",
                )
            )
            status[w.key] = "Edited by a person: not overwritten"
            continue
        if rec is not None and cur is None:
            # inputs changed and the old document is gone: a person deleted it to get a fresh one
            pass
        if len(jobs) >= max_per_night:
            deferred += 1
            status[w.key] = "Waiting: generated on a later night (nightly limit)"
            continue
        try:
            doc = render_document(w.kind, w.key, w.context, templates_dir)
        except TemplateError as exc:
            problems.append(_template_problem(w, exc))
            status[w.key] = "Template error"
            continue
        jobs.append(
            DocumentJob(w.key, w.kind, w.urn, doc.title, doc.html, doc.inputs_hash, rec is None)
        )
        record[w.key] = {
            "hash": doc.inputs_hash,
            "fingerprint": f"⟦docfp:{w.key}⟧",
            "link": f"⟦doc:{w.key}⟧",
            "generated_on": today.isoformat(),
            "title": doc.title,
            "kind": w.kind,
            "urn": w.urn,
        }
        status[w.key] = "Generated"
    return DocumentsPlan(tuple(jobs), status, record, problems, deferred)


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


def _duplicate_problems(w: WantedDocument, cur: DocState) -> list[Problem]:
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
