"""Which school each response belongs to, and each school's name and contact (SPEC §5, §6.4).

Decided by submitted time alone (then response id), never by form order, by whether a
response carried a URN or by the night it was read, so a run spread over several nights
ends with the same schools as one run over the same responses:

1. Responses with a valid URN, in time order: a new URN is claimed by its earliest
   response that names a school; a later one whose name shares no distinctive word with
   any name the school has been given is refused (`Needs review`).
2. Responses without a usable URN are matched by name against every name the schools
   were given (so a later renaming does not strand them); exactly one confident match
   joins, otherwise `Needs review` with the candidates, sorted by URN.
3. A school's name and contact come from its latest EOI with a valid contact e-mail;
   until there is one, the name is its earliest response's and the contact is empty.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from sos_sync.domain.forms import FORM_KINDS, FormKind, FormSpec
from sos_sync.domain.identity import SchoolIndex
from sos_sync.domain.privacy import ERASED, PERSONAL_EMAIL, PERSONAL_TEXT, Suppression, redact
from sos_sync.domain.responses import Problem, Response
from sos_sync.plan.inbox import in_time
from sos_sync.plan.model import RKey, SchoolRecord, a_noun, rkey
from sos_sync.tracker.schema import TabData

ByKind = dict[FormKind, tuple[Response, ...]]


@dataclass(frozen=True)
class Joins:
    """Where each response went, and the schools known only from the tracker."""

    urn_of: dict[RKey, str]
    problems: dict[RKey, tuple[Problem, ...]]
    names: dict[str, str]  # URN -> a name known for it (tracker-only schools included)
    tracker_only: frozenset[str]


def tracker_schools(tab: TabData | None) -> dict[str, str]:
    """URN -> name of every school row in the tracker."""
    if tab is None:
        return {}
    ci = tab.col_index()
    u, n = ci.get("URN"), ci.get("School")
    out: dict[str, str] = {}
    if u is None:
        return out
    for row in tab.rows:
        urn = row[u] if u < len(row) else ""
        if urn and urn not in out:
            out[urn] = row[n] if n is not None and n < len(row) else ""
    return out


def _identity_problem(
    r: Response,
    forms: dict[FormKind, FormSpec],
    code: str,
    reason: str,
    value: str = "",
    cands: str = "",
) -> Problem:
    return Problem(
        code,
        reason,
        value,
        str(r.values.get("school", "")),
        str(r.raw.answers.get("urn", "")).strip(),
        r.key,
        forms[r.kind].label,
        cands,
    )


def join_schools(
    by_kind: ByKind, schools_tab: TabData | None, forms: dict[FormKind, FormSpec], cutoff: float
) -> Joins:
    """Join every response with consent and a readable time to a school, or say why not."""
    ordered = in_time(
        [r for k in FORM_KINDS for r in by_kind.get(k, ()) if r.consent and r.submitted]
    )
    named = {str(r.values["urn"]) for r in ordered if r.values.get("urn")}
    known = tracker_schools(schools_tab)
    index = SchoolIndex(cutoff)
    only = frozenset(u for u in known if u not in named)
    for urn in sorted(only):
        index.add(urn, known[urn])
    urn_of: dict[RKey, str] = {}
    problems: dict[RKey, list[Problem]] = defaultdict(list)
    blank: list[Response] = []
    for r in ordered:
        urn, school = str(r.values.get("urn", "")), str(r.values.get("school", ""))
        if not urn:
            continue
        if not school:
            blank.append(r)  # joins once the URN is known, whenever that is
        elif urn in index and index.clearly_different(urn, school):
            problems[rkey(r)].append(
                _identity_problem(
                    r,
                    forms,
                    "urn_name_mismatch",
                    f"URN {urn} belongs to `{index.names[urn]}`, but the response says `{school}`. "
                    "It was not joined to either school. Check the URN with the school, then fix "
                    "the response or the school's name.",
                    urn,
                    f"{urn} {index.names[urn]}",
                )
            )
        else:
            index.add(urn, school)
            urn_of[rkey(r)] = urn
    for r in blank:
        urn = str(r.values["urn"])
        if urn in index:
            urn_of[rkey(r)] = urn
        else:
            problems[rkey(r)].append(
                _identity_problem(
                    r,
                    forms,
                    "unknown_urn_no_name",
                    f"URN {urn} is new and the response gives no school name; it was not added.",
                    urn,
                )
            )
    for r in ordered:
        if not r.values.get("urn"):
            _join_by_name(r, index, forms, urn_of, problems)
    return Joins(urn_of, {k: tuple(v) for k, v in problems.items()}, dict(index.names), only)


def _join_by_name(
    r: Response,
    index: SchoolIndex,
    forms: dict[FormKind, FormSpec],
    urn_of: dict[RKey, str],
    problems: dict[RKey, list[Problem]],
) -> None:
    school = str(r.values.get("school", ""))
    malformed = str(r.values.get("urn_malformed", ""))
    m = index.match(school)
    if m.urn is not None:
        urn_of[rkey(r)] = m.urn
        return
    why = f"The URN `{malformed}` is not 6 digits" if malformed else "No URN was given"
    if m.candidates:
        cands = "; ".join(f"{u} {n}" for u, n in sorted(m.candidates))
        problem = _identity_problem(
            r,
            forms,
            "ambiguous_school",
            f"{why}, and the name `{school}` matches more than one known school; "
            "the sync never guesses. Add the URN to the response or tell the school.",
            malformed or school,
            cands,
        )
    else:
        problem = _identity_problem(
            r,
            forms,
            "unknown_school",
            f"{why}, and no known school is called `{school}`; the response was not "
            "joined to a school. Ask the school for its 6-digit URN.",
            malformed or school,
        )
    problems[rkey(r)].append(problem)


def redact_erased(by_kind: ByKind, joins: Joins, suppressed: Suppression) -> ByKind:
    """Responses joined (by name) to a school that asked to be erased lose their personal data."""
    if not suppressed:
        return by_kind
    out: ByKind = {}
    for kind, rs in by_kind.items():
        out[kind] = tuple(
            _erased(r) if suppressed.urn(joins.urn_of.get(rkey(r), "")) else r for r in rs
        )
    return out


def _erased(r: Response) -> Response:
    values = dict(r.values)
    for f in PERSONAL_TEXT:
        if values.get(f):
            values[f] = ERASED
    for f in PERSONAL_EMAIL:
        if f in values:
            values[f] = ""
    return replace(r, raw=redact(r.raw), values=values, problems=list(r.problems))


def school_records(
    by_kind: ByKind, joins: Joins, forms: dict[FormKind, FormSpec], suppressed: Suppression
) -> tuple[dict[str, SchoolRecord], dict[RKey, tuple[Problem, ...]]]:
    """Every school, its responses in time order, its name and contact; and the
    "no expression of interest" note on the first response of a school without one."""
    joined: dict[str, list[Response]] = defaultdict(list)
    for r in in_time([r for k in FORM_KINDS for r in by_kind.get(k, ())]):
        urn = joins.urn_of.get(rkey(r))
        if urn:
            joined[urn].append(r)
    records: dict[str, SchoolRecord] = {}
    notes: dict[RKey, tuple[Problem, ...]] = {}
    for urn in sorted(set(joined) | joins.tracker_only):
        rs = tuple(joined.get(urn, ()))
        rec = _record(urn, rs, joins.names.get(urn, ""))
        if suppressed.urn(urn):
            rec = replace(rec, contact_name=ERASED if rec.contact_name else "", contact_email="")
        records[urn] = rec
        if rs and not any(r.kind == "eoi" for r in rs):
            first = rs[0]
            label = forms[first.kind].label
            notes[rkey(first)] = (
                Problem(
                    "no_eoi",
                    f"{rec.name} (URN {urn}) sent {a_noun(label.lower())} but no expression of "
                    "interest; the school was added. Ask them to send one.",
                    urn,
                    rec.name,
                    urn,
                    first.key,
                    label,
                ),
            )
    return records, notes


def _record(urn: str, rs: tuple[Response, ...], known: str) -> SchoolRecord:
    contact = [  # a contact erased on request stays erased, not replaced by an older one
        r
        for r in rs
        if r.kind == "eoi"
        and (r.values.get("contact_email") or r.values.get("contact_name") == ERASED)
    ]
    earliest = next((str(r.values["school"]) for r in rs if r.values.get("school")), known)
    if not contact:
        return SchoolRecord(urn, earliest, responses=rs)
    latest = contact[-1]
    return SchoolRecord(
        urn,
        str(latest.values.get("school", "")) or earliest,
        str(latest.values.get("contact_name", "")),
        str(latest.values["contact_email"]),
        rs,
    )
