"""The night's responses, fail-closed: what each form says, or what the tracker already holds.

A form read tonight gives its responses, each kept once (the last copy of a repeated
id), redacted when the school or person asked to be erased or the retention period has
passed, normalised and put in submitted order (then response id).

Nothing once seen is lost (SPEC §11; issue 11). A form that failed to read, or whose
export holds fewer responses than the sync has already written to its tab, changes
nothing that night: its responses are read back from the tracker's response tab
instead, and the form is reported in `failed_forms` and `Needs review`. A single seen
response missing from an otherwise complete export is read back the same way and
reported once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sos_sync.domain.forms import FORM_KINDS, FormKind, FormSpec
from sos_sync.domain.privacy import matches, redact, too_old
from sos_sync.domain.responses import (
    Answer,
    Problem,
    RawResponse,
    Response,
    normalise,
    parse_timestamp,
)
from sos_sync.plan.model import Night, RKey, rkey
from sos_sync.tracker.schema import TabData

FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Inbox:
    """The responses the night plans with, and which forms fell back on the tracker."""

    by_kind: dict[FormKind, tuple[Response, ...]]  # each in submitted order, then id
    failed: dict[FormKind, str]  # forms that change nothing tonight, and why
    kept: frozenset[RKey]  # read back from the tracker: their rows stay as they are
    problems: tuple[Problem, ...]


def in_time(responses: list[Response]) -> tuple[Response, ...]:
    """Responses in submitted order; ties (and unreadable times, last) by response id."""
    return tuple(sorted(responses, key=lambda r: (r.submitted or FAR, r.key)))


def read_inbox(night: Night) -> Inbox:
    """Every form's responses for tonight, failing closed form by form."""
    by_kind: dict[FormKind, tuple[Response, ...]] = {}
    failed: dict[FormKind, str] = {}
    kept: set[RKey] = set()
    problems: list[Problem] = []
    labels = tuple(night.config.programme.by_label())
    days = night.config.raw.retention.responses_days
    read = night.snapshot.responses
    for kind in FORM_KINDS:
        spec = night.config.forms[kind]
        tab = night.tab(spec.tab)
        seen = set(night.memory(spec.tab)) | set(night.pending(spec.tab))
        held = seen | (set(tab.index("Response ID")[0]) if tab else set())
        # a response never stored (no consent) is held only by its Needs review row
        if (review := night.tab("Needs review")) is not None:
            held |= set(review.index("Response or row")[0])
        exported: dict[str, RawResponse] = {}
        for raw in read.responses.get(kind, []):
            if raw.aliases and raw.response_id not in held:  # synced by an older version
                raw = next((replace(raw, response_id=a) for a in raw.aliases if a in held), raw)
            exported[raw.response_id] = raw  # a repeated id is one response (the last copy)
        why = read.failed.get(kind, "")
        stored: dict[str, RawResponse] | None = None
        if why or len(exported) < len(seen):  # else no count of the expected can be short
            stored = stored_responses(spec, tab, seen)
            why = why or _fewer(spec, len(exported), _expected(night, spec, seen, stored))
        if why:
            failed[kind] = why
            problems.append(Problem("form_failed", why, kind, form=spec.label, source_key=kind))
            chosen = dict(stored or {})
        else:
            # the seen responses the export lost: read back from the tab, in id order
            gone = stored_responses(spec, tab, seen - exported.keys())
            problems.extend(_missing(spec, raw) for raw in gone.values())
            chosen = {**exported, **gone}
        kept.update((kind, rid) for rid in chosen if rid not in exported or why)
        rs = []
        for raw in chosen.values():
            if matches(raw, night.snapshot.suppressed) or too_old(
                raw, parse_timestamp(raw.submitted_raw), night.today, days
            ):
                r = normalise(redact(raw), spec, labels)
                r.problems[:] = [
                    p for p in r.problems if p.code != "no_email"
                ]  # erased, not missing
                rs.append(r)
                continue
            rs.append(normalise(raw, spec, labels))
        by_kind[kind] = in_time(rs)
    return Inbox(by_kind, failed, frozenset(kept), tuple(problems))


def _expected(
    night: Night, spec: FormSpec, seen: set[str], stored: dict[str, RawResponse]
) -> set[str]:
    """The seen responses an export must hold (missing ones already reported don't count)."""
    reported = set(night.memory("Needs review"))
    return {r for r in seen if r not in stored or _missing(spec, stored[r]).key not in reported}


def _fewer(spec: FormSpec, count: int, seen: set[str]) -> str:
    if count >= len(seen):
        return ""
    return (
        f"The {spec.label.lower()} export holds {count} responses, fewer than the {len(seen)} "
        "the sync has already seen, so it looks cut short or out of date; nothing from this "
        "form was changed tonight (what the tracker holds still counts). Download the whole "
        "export again; the next night carries on."
    )


def _missing(spec: FormSpec, raw: RawResponse) -> Problem:
    return Problem(
        "response_missing",
        f"The {spec.label.lower()} response `{raw.response_id}` (submitted "
        f"{raw.submitted_raw or 'at an unknown time'}) is no longer in the form's export. Its "
        f"row stays in `{spec.tab}` and it still counts. If it was removed on purpose, use "
        "`sos-sync erase`.",
        raw.response_id,
        str(raw.answers.get("school", "")),
        str(raw.answers.get("urn", "")),
        raw.response_id,
        spec.label,
    )


def stored_responses(spec: FormSpec, tab: TabData | None, seen: set[str]) -> dict[str, RawResponse]:
    """The responses the sync wrote to a form's tab, read back as raw responses."""
    if tab is None or not seen:
        return {}
    ci = tab.col_index()
    key = ci.get("Response ID")
    if key is None:
        return {}

    def cell(row: list[str], col: str) -> str:
        i = ci.get(col)
        return row[i] if i is not None and i < len(row) else ""

    out: dict[str, RawResponse] = {}
    for row in tab.rows:
        rid = row[key] if key < len(row) else ""
        if rid not in seen or rid in out:
            continue
        answers: dict[str, Answer] = {f.name: cell(row, f.header) for f in spec.fields}
        out[rid] = RawResponse(
            spec.kind,
            rid,
            cell(row, "Submitted"),
            cell(row, "Email Address"),
            answers,
            source="tracker",
        )
    return dict(sorted(out.items()))


def by_key(inbox: Inbox) -> dict[RKey, Response]:
    return {rkey(r): r for rs in inbox.by_kind.values() for r in rs}
