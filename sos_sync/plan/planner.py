"""The plan: everything a night will change, worked out without any I/O (STYLE: one arrow).

`make_plan(snapshot, config, today, run_id)` normalises the responses, resolves each
school, works out milestones and steps, and diffs every tab against what is there
now, under the ownership rule of §4.2. The result is a frozen value that
`sync --dry-run` prints and `apply` carries out.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sos_sync.backends.base import DocState, ResponsesRead
from sos_sync.config.load import Config
from sos_sync.domain.calendar import CalendarEvent, programme_events
from sos_sync.domain.forms import FORM_KINDS, FormKind
from sos_sync.domain.identity import SchoolIndex
from sos_sync.domain.privacy import (
    ERASED,
    PERSONAL_EMAIL,
    PERSONAL_TEXT,
    Suppression,
    matches,
    redact,
    too_old,
)
from sos_sync.domain.responses import (
    LONDON,
    Problem,
    RawResponse,
    Response,
    match_choice,
    normalise,
    parse_day,
    parse_timestamp,
)
from sos_sync.domain.steps import STAGE_LABELS, Milestones, Position, add_years, long_date, position
from sos_sync.plan.calendar import CalendarPlan, meeting, parse_moment, plan_calendar
from sos_sync.plan.documents import KIND_LABELS, DocumentsPlan, WantedDocument, plan_documents
from sos_sync.run.morning_report import NightSummary
from sos_sync.run.morning_report import headline as night_headline
from sos_sync.run.state import State
from sos_sync.tracker.schema import (
    DASHBOARD,
    DOCUMENTS,
    EVENTS,
    MILESTONE_COLUMNS,
    NEEDS_REVIEW,
    RUN_LOG,
    SCHOOLS,
    Memory,
    TabData,
    TabDiff,
    TabPlan,
    TabSpec,
    all_tabs,
    diff_tab,
    response_tab,
    reviews_tab,
)

EXCEL_CELL_LIMIT = 32_000
JUDGEMENTS = ("Met", "Partly met", "Not yet met")
# one-off notices: reported once, never "cleared" when the condition is gone
NOTICES = frozenset({"row_deleted"})


@dataclass
class Snapshot:
    """Everything read before planning."""

    responses: ResponsesRead
    tabs: dict[str, TabData | None]
    state: State
    calendar: dict[str, CalendarEvent | None] = field(default_factory=dict)
    documents: dict[str, DocState] = field(default_factory=dict)
    suppressed: Suppression = field(default_factory=Suppression)


@dataclass
class SchoolRecord:
    urn: str
    name: str = ""
    contact_name: str = ""
    contact_email: str = ""
    responses: list[Response] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    """What this run will write, and what it found."""

    today: dt.date
    run_id: str
    tabs: tuple[TabSpec, ...]
    tab_plans: tuple[TabPlan, ...]
    memory: Memory
    pending: Memory
    problems: tuple[Problem, ...]
    new_problems: tuple[Problem, ...]
    responses_new: int
    responses_updated: int
    schools_created: tuple[str, ...]
    schools_updated: tuple[str, ...]
    by_step: dict[int, int]
    step_moves: tuple[tuple[str, str, int, int], ...]
    stalled: int
    failed_forms: dict[str, str]
    new_by_kind: dict[str, int]
    positions: dict[str, Position]
    calendar: CalendarPlan | None = None
    documents: DocumentsPlan | None = None

    @property
    def cell_writes(self) -> int:
        return sum(p.cell_count for p in self.tab_plans)

    @property
    def quiet(self) -> bool:
        return self.cell_writes == 0


def _day(value: str) -> dt.date | None:
    return parse_day(value) if value else None


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _fit(text: str) -> str:
    if len(text) <= EXCEL_CELL_LIMIT:
        return text
    return text[:EXCEL_CELL_LIMIT] + f" … [cut: {len(text):,} characters in all; see the form]"


class _Planner:
    def __init__(self, snapshot: Snapshot, config: Config, today: dt.date, run_id: str) -> None:
        self.s = snapshot
        self.c = config
        self.today = today
        self.run_id = run_id
        self.problems: list[Problem] = []
        self.tabs = all_tabs(config.forms, [c.code for c in config.criteria])
        self.tab_by_name = {t.name: t for t in self.tabs}
        self.memory = snapshot.state.memory
        self.pending = snapshot.state.pending
        self.new_memory: Memory = {}
        self.diffs: list[TabDiff] = []
        self.draft_feedback: dict[str, dt.date] = {}
        self._signups: tuple[dict[str, list[str]], Counter[str]] | None = None
        self.milestones_by_urn: dict[str, Milestones] = {}

    # ------------------------------------------------------------ responses and schools

    def responses(self) -> dict[FormKind, list[Response]]:
        labels = tuple(self.c.programme.by_label())
        out: dict[FormKind, list[Response]] = {}
        for kind in FORM_KINDS:
            if kind in self.s.responses.failed:
                continue
            seen: dict[str, RawResponse] = {}
            days = self.c.raw.retention.responses_days
            held = self._held_ids(kind)
            for raw in self.s.responses.responses.get(kind, []):
                if raw.aliases and raw.response_id not in held:  # synced by an older version
                    raw = next((replace(raw, response_id=a) for a in raw.aliases if a in held), raw)
                if matches(raw, self.s.suppressed) or too_old(
                    raw, parse_timestamp(raw.submitted_raw), self.today, days
                ):
                    raw = redact(raw)
                seen[raw.response_id] = raw  # a repeated id is one response (the last copy)
            spec = self.c.forms[kind]
            rs = [normalise(raw, spec, labels) for raw in seen.values()]
            far = dt.datetime.max.replace(tzinfo=dt.UTC)
            rs.sort(key=lambda r: (r.submitted or far, r.key))
            out[kind] = rs
        return out

    def _held_ids(self, kind: FormKind) -> set[str]:
        """Response ids the tracker (or the sync's memory of it) already has for a form."""
        tab_name = self.c.forms[kind].tab
        tab = self.s.tabs.get(tab_name)
        held = set(tab.index("Response ID")[0]) if tab is not None else set()
        return held | set(self.memory.get(tab_name, {}))

    def resolve(self, by_kind: dict[FormKind, list[Response]]) -> dict[str, SchoolRecord]:
        schools_tab = self.s.tabs.get("Schools")
        index = SchoolIndex(self.c.rules.name_match_score)
        if schools_tab is not None:
            ci = schools_tab.col_index()
            u, n = ci.get("URN"), ci.get("School")
            if u is not None:
                for row in schools_tab.rows:
                    urn = row[u] if u < len(row) else ""
                    if urn:
                        index.add(urn, row[n] if n is not None and n < len(row) else "")
        records: dict[str, SchoolRecord] = {}
        known_before = set(index.names)
        eoi_urns = {
            r.values.get("urn") for r in by_kind.get("eoi", []) if r.consent and r.values.get("urn")
        }
        # Responses with a URN first (EOIs first: they create and name schools), then the
        # ones matched by name alone, so a name matches the same school whichever night it
        # is read: before, a name met first was unknown tonight and joined tomorrow.
        ordered = [r for kind in FORM_KINDS for r in by_kind.get(kind, [])]
        for by_urn in (True, False):
            for r in ordered:
                if bool(r.values.get("urn")) == by_urn:
                    self._join(r, index, records, known_before, eoi_urns)
        place = {id(r): i for i, r in enumerate(ordered)}
        for rec in records.values():
            rec.responses.sort(key=lambda r: place[id(r)])
        for rec in records.values():
            if rec.responses and not any(r.kind == "eoi" for r in rec.responses):
                first = rec.responses[0]
                first.problems.append(
                    Problem(
                        "no_eoi",
                        f"{rec.name} (URN {rec.urn}) sent {_a(self.c.forms[first.kind].label.lower())} "
                        "but no expression of interest; the school was added. Ask them to send one.",
                        rec.urn,
                        rec.name,
                        rec.urn,
                        first.key,
                        self.c.forms[first.kind].label,
                    )
                )
        for rec in records.values():  # joined by name to a school that asked to be erased
            if self.s.suppressed.urn(rec.urn):
                rec.contact_name = ERASED if rec.contact_name else ""
                rec.contact_email = ""
                for r in rec.responses:
                    if r.raw.email or any(
                        r.raw.answers.get(f) not in (None, "", ERASED)
                        for f in PERSONAL_TEXT + PERSONAL_EMAIL
                    ):
                        r.raw = redact(r.raw)
                        for f in PERSONAL_TEXT:
                            if r.values.get(f):
                                r.values[f] = ERASED
                        for f in PERSONAL_EMAIL:
                            if f in r.values:
                                r.values[f] = ""
        # schools only the tracker knows keep their rows
        for urn, name in index.names.items():
            records.setdefault(urn, SchoolRecord(urn, name))
        return records

    def _join(
        self,
        r: Response,
        index: SchoolIndex,
        records: dict[str, SchoolRecord],
        known_before: set[str],
        eoi_urns: set[object],
    ) -> None:
        if not r.consent or r.submitted is None:
            return
        school = str(r.values.get("school", ""))
        urn = str(r.values.get("urn", ""))
        given = str(r.raw.answers.get("urn", "")).strip()

        def problem(code: str, reason: str, value: str = "", candidates: str = "") -> None:
            r.problems.append(
                Problem(
                    code,
                    reason,
                    value,
                    school,
                    given,
                    r.key,
                    self.c.forms[r.kind].label,
                    candidates,
                )
            )

        if urn:
            if urn in index and index.clearly_different(urn, school):
                problem(
                    "urn_name_mismatch",
                    f"URN {urn} belongs to `{index.names[urn]}`, but the response says `{school}`. "
                    "It was not joined to either school. Check the URN with the school, then fix "
                    "the response or the school's name.",
                    urn,
                    f"{urn} {index.names[urn]}",
                )
                return
            if urn not in index:
                if not school:
                    problem(
                        "unknown_urn_no_name",
                        f"URN {urn} is new and the response gives no school name; it was not added.",
                        urn,
                    )
                    return
                index.add(urn, school)
        else:
            malformed = str(r.values.get("urn_malformed", ""))
            m = index.match(school)
            cands = "; ".join(f"{u} {n}" for u, n in m.candidates)
            if m.urn is None:
                why = f"The URN `{malformed}` is not 6 digits" if malformed else "No URN was given"
                if m.candidates:
                    problem(
                        "ambiguous_school",
                        f"{why}, and the name `{school}` matches more than one known school; "
                        "the sync never guesses. Add the URN to the response or tell the school.",
                        malformed or school,
                        cands,
                    )
                else:
                    problem(
                        "unknown_school",
                        f"{why}, and no known school is called `{school}`; the response was not "
                        "joined to a school. Ask the school for its 6-digit URN.",
                        malformed or school,
                    )
                return
            urn = m.urn
        r.urn = urn
        rec = records.setdefault(urn, SchoolRecord(urn, index.names.get(urn, school)))
        rec.responses.append(r)
        if r.kind == "eoi":
            if school and r.values.get("urn"):
                rec.name = school
                index.add(urn, school)
            email = str(r.values.get("contact_email", ""))
            if email:
                rec.contact_email = email
                rec.contact_name = str(r.values.get("contact_name", "")) or rec.contact_name
            elif not rec.contact_email:
                rec.contact_name = str(r.values.get("contact_name", "")) or rec.contact_name

    # ------------------------------------------------------------ milestones

    def milestones(self, rec: SchoolRecord) -> tuple[Milestones, dict[str, str]]:
        """Milestones from responses, and their column values before leads' typed values."""
        eoi = [r for r in rec.responses if r.kind == "eoi"]
        computed: dict[str, dt.date | None] = {c: None for c in MILESTONE_COLUMNS}
        if eoi:
            computed["EOI received"] = min(r.day for r in eoi if r.day)
            for r in eoi:
                if r.values.get("pledge") == "Yes" and computed["Pledge signed"] is None:
                    computed["Pledge signed"] = _day(str(r.values.get("pledge_date", ""))) or r.day
                if r.values.get("slt") == "Yes" and computed["SLT commitment"] is None:
                    computed["SLT commitment"] = r.day
        audits = [r.day for r in rec.responses if r.kind == "audit" and r.day]
        computed["Audit completed"] = max(audits) if audits else None
        for stage, col in (
            ("Action plan", "Action plan received"),
            ("Draft application", "Draft submitted"),
            ("Final application and portfolio", "Final submitted"),
        ):
            days = [
                r.day
                for r in rec.responses
                if r.kind == "application" and r.values.get("stage") == stage and r.day
            ]
            computed[col] = max(days) if days else None
        computed["Draft feedback sent"] = self.draft_feedback.get(rec.urn)
        columns = {c: _iso(d) for c, d in computed.items()}

        schools = self.s.tabs.get("Schools")
        mem = self.memory.get("Schools", {})
        effective = dict(computed)
        for col in MILESTONE_COLUMNS:
            typed = self._typed(schools, rec.urn, col, mem)
            if typed is None:
                continue
            day = parse_day(typed)
            if day is None:
                self._bad_lead_value(rec, col, typed, "a date (e.g. 14/07/2025)")
                continue
            effective[col] = day

        def lead_day(col: str) -> dt.date | None:
            raw = schools.value("URN", rec.urn, col) if schools else None
            if not raw:
                return None
            day = parse_day(raw)
            if day is None:
                self._bad_lead_value(rec, col, raw, "a date (e.g. 14/07/2025)")
            return day

        override = None
        raw_override = schools.value("URN", rec.urn, "Step override") if schools else None
        if raw_override:
            try:
                override = int(float(raw_override))
                if not 1 <= override <= 5:
                    raise ValueError
            except ValueError:
                override = None
                self._bad_lead_value(rec, "Step override", raw_override, "a step from 1 to 5")
        return (
            Milestones(
                eoi_received=effective["EOI received"],
                pledge_signed=effective["Pledge signed"],
                slt_commitment=effective["SLT commitment"],
                audit_completed=effective["Audit completed"],
                action_plan_received=effective["Action plan received"],
                events_attended=self._events_attended(rec),
                draft_submitted=effective["Draft submitted"],
                draft_feedback_sent=effective["Draft feedback sent"],
                final_submitted=effective["Final submitted"],
                panel_date=lead_day("Panel date"),
                visit_date=lead_day("Visit date"),
                awarded_on=lead_day("Awarded on"),
                step_override=override,
            ),
            columns,
        )

    def _typed(
        self, tab: TabData | None, key: str, col: str, mem: Mapping[str, Mapping[str, str]]
    ) -> str | None:
        if tab is None:
            return None
        found = tab.value("URN", key, col)
        if not found:
            return None
        if found == mem.get(key, {}).get(col) or found == self.pending.get("Schools", {}).get(
            key, {}
        ).get(col):
            return None
        return found

    def _bad_lead_value(self, rec: SchoolRecord, col: str, value: str, expected: str) -> None:
        self.problems.append(
            Problem(
                "bad_lead_value",
                f"`Schools` › {col} for URN {rec.urn} holds `{value}`, which is not {expected}; "
                "it was ignored. Correct the cell.",
                value,
                rec.name,
                rec.urn,
                f"{rec.urn} {col}",
                "Schools",
            )
        )

    def _events_attended(self, rec: SchoolRecord) -> int:
        by_label = self.c.programme.by_label()
        tab = self.s.tabs.get(self.c.forms["signup"].tab)
        attended: set[str] = set()
        for r in rec.responses:
            if r.kind != "signup":
                continue
            if (
                tab is not None
                and (tab.value("Response ID", r.key, "Attended") or "").strip().lower() == "no"
            ):
                continue
            for label in _labels(r):
                ev = by_label.get(str(label))
                if ev and ev.end_date and ev.end_date < self.today:
                    attended.add(ev.key)
        return len(attended)

    # ------------------------------------------------------------ tabs

    def diff(self, spec: TabSpec, desired: Mapping[str, Mapping[str, str]]) -> TabDiff:
        d = diff_tab(
            spec,
            self.s.tabs.get(spec.name),
            desired,
            self.memory.get(spec.name, {}),
            self.pending.get(spec.name, {}),
            self.today,
        )
        self.new_memory[spec.name] = d.memory
        self.problems.extend(d.problems)
        self.diffs.append(d)
        return d

    def response_rows(
        self, by_kind: dict[FormKind, list[Response]]
    ) -> tuple[int, int, Counter[str]]:
        new = updated = 0
        new_by_kind: Counter[str] = Counter()
        for kind in FORM_KINDS:
            spec = self.c.forms[kind]
            tab = response_tab(spec)
            if kind in self.s.responses.failed:
                self.problems.append(
                    Problem(
                        "form_failed",
                        self.s.responses.failed[kind],
                        form=spec.label,
                        source_key=kind,
                        value=kind,
                    )
                )
                self.diff(tab, {})  # the tab and its headers still exist; no row is touched
                continue
            desired: dict[str, dict[str, str]] = {}
            for r in by_kind.get(kind, []):
                if not r.consent:
                    continue  # nothing stored beyond the Needs review row
                row = {
                    "Response ID": r.key,
                    "Submitted": r.submitted.astimezone(LONDON).strftime("%Y-%m-%d %H:%M:%S")
                    if r.submitted
                    else _fit(r.raw.submitted_raw),
                    "Email Address": _fit(r.raw.email),
                    "URN": r.urn,
                }
                for f in spec.fields:
                    v = r.raw.answers.get(f.name, "")
                    text = ", ".join(v) if isinstance(v, tuple) else v
                    row[f.header] = _fit(text.strip())
                row["Status"] = (
                    "OK"
                    if not r.problems
                    else "Needs review: "
                    + "; ".join(sorted({p.code.replace("_", " ") for p in r.problems}))
                )
                desired[r.key] = row
            d = self.diff(tab, desired)
            new += len(d.created)
            updated += len(d.updated)
            new_by_kind[kind] += len(d.created)
        return new, updated, new_by_kind

    def school_rows(self, records: dict[str, SchoolRecord]) -> tuple[TabDiff, dict[str, Position]]:
        desired: dict[str, dict[str, str]] = {}
        positions: dict[str, Position] = {}
        for urn in sorted(records):
            rec = records[urn]
            m, cols = self.milestones(rec)
            self.milestones_by_urn[urn] = m
            pos = position(
                m,
                self.today,
                renewal_years=self.c.rules.renewal_years,
                renewal_warning_days=self.c.rules.renewal_warning_days,
                stalled_after_days=self.c.rules.stalled_after_days,
            )
            positions[urn] = pos
            row = {
                "URN": urn,
                "School": _fit(rec.name),
                "Contact name": _fit(rec.contact_name),
                "Contact email": rec.contact_email,
                "Step": str(pos.step),
                "Stage": pos.stage,
                "Next action": pos.next_action,
                "Stalled": "Yes" if pos.stalled else "No",
                **cols,
                "Events attended": str(m.events_attended),
                "Renewal due": _iso(pos.renewal_due),
                "Last activity": _iso(pos.last_activity),
            }
            desired[urn] = row
        return self.diff(SCHOOLS, desired), positions

    # ------------------------------------------------------------ documents

    def _common_context(self, rec: SchoolRecord) -> dict[str, Any]:
        return {
            "school": {
                "urn": rec.urn,
                "name": rec.name or rec.urn,
                "contact_name": rec.contact_name,
            },
            "leads": list(self.c.raw.leads),
            "team": self.c.raw.team,
            "team_email": self.c.raw.team_email or None,
            "generated_on": self.today.isoformat(),
        }

    @functools.cached_property
    def _criteria_context(self) -> tuple[dict[str, Any], ...]:
        return tuple(
            {
                "code": c.code,
                "group": c.group,
                "title": c.title,
                "actions": list(c.actions),
                "resources": [r.model_dump() for r in c.resources],
            }
            for c in self.c.criteria
        )

    def _criteria(self) -> list[dict[str, Any]]:
        return list(self._criteria_context)

    def wanted_documents(self, records: dict[str, SchoolRecord]) -> list[WantedDocument]:
        """Audit feedback per audit, application feedback per ready review, award letters."""
        out: list[WantedDocument] = []
        schools = self.s.tabs.get("Schools")
        for urn in sorted(records):
            rec = records[urn]
            by_day: dict[dt.date, Response] = {}
            for r in rec.responses:
                if r.kind == "audit" and r.day:
                    by_day[r.day] = r  # the day's latest audit
            for day, r in sorted(by_day.items()):
                ratings = [r.values.get(f"rating_{c.code}") for c in self.c.criteria]
                if not all(ratings):
                    continue  # a bad or missing rating is already a Needs review row
                ctx = {
                    **self._common_context(rec),
                    "completed_on": day.isoformat(),
                    "criteria_version": self.c.criteria_version,
                    "criteria": [
                        {**c, "rating": rating}
                        for c, rating in zip(self._criteria(), ratings, strict=True)
                    ],
                    "notes": {
                        "learn": str(r.values.get("notes_learn", "")),
                        "embed": str(r.values.get("notes_embed", "")),
                        "share": str(r.values.get("notes_share", "")),
                    },
                }
                out.append(
                    WantedDocument(
                        f"{urn}:audit_feedback:{day.isoformat()}",
                        "audit_feedback",
                        urn,
                        rec.name,
                        ctx,
                    )
                )
            awarded = schools.value("URN", urn, "Awarded on") if schools else None
            award_day = parse_day(awarded) if awarded else None
            if award_day:
                ctx = {
                    **self._common_context(rec),
                    "award": {
                        "awarded_on": award_day.isoformat(),
                        "renewal_due": add_years(award_day, self.c.rules.renewal_years).isoformat(),
                    },
                }
                out.append(
                    WantedDocument(
                        f"{urn}:award_letter:{award_day.isoformat()}",
                        "award_letter",
                        urn,
                        rec.name,
                        ctx,
                    )
                )
        out.extend(self._ready_reviews(records))
        return out

    def _ready_reviews(self, records: dict[str, SchoolRecord]) -> list[WantedDocument]:
        reviews = self.s.tabs.get("Reviews")
        if reviews is None:
            return []
        ci = reviews.col_index()
        schools = self.s.tabs.get("Schools")
        out: list[WantedDocument] = []

        def cell(row: list[str], col: str) -> str:
            i = ci.get(col)
            return row[i].strip() if i is not None and i < len(row) else ""

        for row in reviews.rows:
            key, urn = cell(row, "Review key"), cell(row, "URN")
            if not key or cell(row, "Ready").lower() not in ("yes", "y", "ready", "true"):
                continue
            rec = records.get(urn)
            if rec is None:
                continue
            stage = cell(row, "Stage")
            if stage not in ("Draft application", "Final application and portfolio"):
                continue
            criteria = []
            bad = []
            for c in self._criteria():
                judgement = match_choice(cell(row, f"{c['code']} judgement"), JUDGEMENTS)
                if judgement is None:
                    bad.append(
                        f"{c['code']} judgement `{cell(row, c['code'] + ' judgement') or '(empty)'}`"
                    )
                    continue
                criteria.append(
                    {**c, "judgement": judgement, "comment": cell(row, f"{c['code']} comment")}
                )
            if bad:
                self.problems.append(
                    Problem(
                        "review_incomplete",
                        f"The review `{key}` is marked ready, but "
                        + ", ".join(bad)
                        + " is not one of Met / Partly met / Not yet met, so no feedback was "
                        "generated. Complete the review.",
                        value="; ".join(bad),
                        school=rec.name,
                        urn=urn,
                        source_key=key,
                        form="Reviews",
                    )
                )
                continue
            panel = schools.value("URN", urn, "Panel date") if schools else None
            visit = schools.value("URN", urn, "Visit date") if schools else None
            ctx = {
                **self._common_context(rec),
                "criteria_version": cell(row, "Criteria version") or self.c.criteria_version,
                "criteria": criteria,
                "review": {
                    "stage": stage,
                    "overall": cell(row, "Overall comments"),
                    "next_steps": cell(row, "Next steps"),
                    "panel_date": _iso(parse_day(panel)) if panel else None,
                    "visit_date": _iso(parse_day(visit)) if visit else None,
                },
            }
            kind_key = "draft" if stage == "Draft application" else "final"
            out.append(
                WantedDocument(
                    f"{urn}:application_feedback:{kind_key}",
                    "application_feedback",
                    urn,
                    rec.name,
                    ctx,
                )
            )
        return out

    def documents(self, records: dict[str, SchoolRecord]) -> DocumentsPlan:
        dp = plan_documents(
            self.wanted_documents(records),
            self.s.documents,
            self.s.state.extra.get("documents", {}),
            self.c.templates_dir,
            self.today,
            self.c.raw.documents.max_per_night,
        )
        self.problems.extend(dp.problems)
        for key, rec in dp.record.items():
            urn, kind, _ = (key.split(":") + ["", ""])[:3]
            if (
                kind == "application_feedback"
                and key.endswith(":draft")
                and rec.get("generated_on")
            ):
                self.draft_feedback[urn] = dt.date.fromisoformat(rec["generated_on"])
        return dp

    def document_rows(self, dp: DocumentsPlan, records: dict[str, SchoolRecord]) -> None:
        desired: dict[str, dict[str, str]] = {}
        for key, rec in dp.record.items():
            urn = rec.get("urn", key.split(":")[0])
            desired[key] = {
                "Doc key": key,
                "URN": urn,
                "School": _fit(records[urn].name if urn in records else ""),
                "Kind": KIND_LABELS.get(rec.get("kind", ""), rec.get("kind", "")),
                "Title": rec.get("title", ""),
                "Link": rec.get("link", ""),
                "Generated on": rec.get("generated_on", ""),
                "Status": dp.status.get(key, "Generated"),
            }
        for key, status in dp.status.items():
            if key not in desired:
                urn = key.split(":")[0]
                desired[key] = {
                    "Doc key": key,
                    "URN": urn,
                    "School": _fit(records[urn].name if urn in records else ""),
                    "Kind": KIND_LABELS.get(key.split(":")[1], ""),
                    "Status": status,
                }
        self.diff(DOCUMENTS, desired)

    def review_rows(
        self, records: dict[str, SchoolRecord], dp: DocumentsPlan | None = None
    ) -> None:
        spec = reviews_tab([c.code for c in self.c.criteria])
        desired: dict[str, dict[str, str]] = {}
        docs = dp.record if dp else {}
        for urn, rec in records.items():
            for r in rec.responses:
                stage = r.values.get("stage") if r.kind == "application" else None
                if stage in ("Draft application", "Final application and portfolio"):
                    short = "draft" if stage == "Draft application" else "final"
                    key = f"{urn}:{short}"
                    row = {
                        "Review key": key,
                        "URN": urn,
                        "School": _fit(rec.name),
                        "Stage": str(stage),
                        "Criteria version": self.c.criteria_version,
                    }
                    doc = docs.get(f"{urn}:application_feedback:{short}")
                    if doc:
                        row["Feedback doc"] = doc.get("link", "")
                        row["Sent on"] = doc.get("generated_on", "")
                    desired[key] = row
        self.diff(spec, desired)

    # ------------------------------------------------------------ calendar

    def signups_by_event(
        self, records: dict[str, SchoolRecord]
    ) -> tuple[dict[str, list[str]], Counter[str]]:
        """Attendee e-mails and schools signed up, by programme event key (worked out once)."""
        if self._signups is not None:
            return self._signups
        by_label = self.c.programme.by_label()
        emails: dict[str, list[str]] = defaultdict(list)
        schools: Counter[str] = Counter()
        for rec in records.values():
            keys: set[str] = set()
            for r in rec.responses:
                if r.kind != "signup":
                    continue
                for label in _labels(r):
                    ev = by_label.get(str(label))
                    if ev is None:
                        continue
                    keys.add(ev.key)
                    email = str(r.values.get("attendee_email", ""))
                    if email:
                        emails[ev.key].append(email)
            schools.update(keys)
        self._signups = (dict(emails), schools)
        return self._signups

    def calendar(
        self, records: dict[str, SchoolRecord], positions: dict[str, Position]
    ) -> CalendarPlan:
        emails, _ = self.signups_by_event(records)
        desired: list[CalendarEvent] = list(programme_events(self.c.programme, emails))
        catchups = self.s.tabs.get(self.c.forms["catchup"].tab)
        for urn in sorted(records):
            rec = records[urn]
            m = self.milestones_by_urn.get(urn)
            name = rec.name or urn
            for r in rec.responses:
                if r.kind != "catchup" or catchups is None:
                    continue
                confirmed = (catchups.value("Response ID", r.key, "Confirmed for") or "").strip()
                if not confirmed:
                    continue
                when = parse_moment(confirmed)
                if when is None:
                    self.problems.append(
                        Problem(
                            "bad_meeting_time",
                            f"`Catch-up requests` › Confirmed for holds `{confirmed}`, which is not a "
                            "date and time this tool can read (use 22/07/2025 15:30); no calendar "
                            "event was made.",
                            confirmed,
                            name,
                            urn,
                            r.key,
                            "Catch-up requests",
                        )
                    )
                    continue
                topic = str(r.values.get("topic", "")) or "progress"
                contact = str(r.values.get("contact_email", ""))
                desired.append(
                    meeting(
                        f"catchup:{r.key}",
                        f"Schools of Sanctuary catch-up – {name}",
                        when,
                        "In school",
                        f"Catch-up requested by {name} (URN {urn}) about: {topic}.",
                        [contact] if contact else [],
                    )
                )
            if m is not None:
                if m.panel_date:
                    desired.append(
                        meeting(
                            f"panel:{urn}",
                            f"Sanctuary appraisal panel – {name}",
                            m.panel_date,
                            "",
                            f"Panel meeting to assess the application of {name} (URN {urn}).",
                        )
                    )
                if m.visit_date:
                    desired.append(
                        meeting(
                            f"visit:{urn}",
                            f"School visit – {name}",
                            m.visit_date,
                            name,
                            f"Assessors visit {name} (URN {urn}) to meet pupils, staff, leaders and parents.",
                        )
                    )
            pos = positions.get(urn)
            if pos is not None and pos.renewal_due is not None:
                remind = pos.renewal_due - dt.timedelta(days=self.c.rules.renewal_warning_days)
                desired.append(
                    meeting(
                        f"renewal:{urn}",
                        f"Renewal reminder – {name} (due {long_date(pos.renewal_due)})",
                        remind,
                        "",
                        f"{name} (URN {urn}) was awarded on {long_date(m.awarded_on) if m and m.awarded_on else '?'}; "
                        f"its Schools of Sanctuary status is due for renewal on {long_date(pos.renewal_due)}.",
                    )
                )
        cp = plan_calendar(desired, self.s.calendar, self.s.state.extra.get("calendar", {}))
        self.problems.extend(cp.problems)
        return cp

    def event_rows(self, records: dict[str, SchoolRecord], cp: CalendarPlan | None = None) -> None:
        _, signed = self.signups_by_event(records)
        links = cp.record if cp else {}
        desired = {
            e.key: {
                "Event key": e.key,
                "Title": e.title,
                "Start": (e.start or "on request").replace("T", " "),
                "End": (e.end or "").replace("T", " "),
                "Where": e.where,
                "Mode": e.mode,
                "Form label": e.form_label,
                "Signed up": str(signed[e.key]),
                "Calendar link": links.get(f"programme:{e.key}", {}).get("link", ""),
            }
            for e in self.c.programme.events
        }
        self.diff(EVENTS, desired)

    def problem_rows(self, all_problems: list[Problem]) -> list[Problem]:
        current = self.s.tabs.get(NEEDS_REVIEW.name)
        existing = set(current.index(NEEDS_REVIEW.key)[0]) if current else set()
        remembered = set(self.memory.get(NEEDS_REVIEW.name, {}))
        desired: dict[str, dict[str, str]] = {}
        for p in all_problems:
            desired[p.key] = {
                "Problem ID": p.key,
                "Raised on": self.today.isoformat(),
                "Where": p.form,
                "Response or row": p.source_key,
                "School": _fit(p.school),
                "URN": p.urn,
                "Value": _fit(p.value),
                "Reason": p.reason,
                "Candidates": p.candidates,
                "Status": "Notice" if p.code in NOTICES else "Open",
            }
        for key in existing & remembered:
            if (
                key not in desired
                and current
                and current.value(NEEDS_REVIEW.key, key, "Status") == "Open"
            ):
                desired[key] = {"Status": "Cleared: no longer found"}
        self.diff(NEEDS_REVIEW, desired)
        return [p for p in all_problems if p.key not in existing and p.key not in remembered]


def _labels(r: Response) -> tuple[str, ...]:
    """The event labels a sign-up chose (a tuple once normalised)."""
    value = r.values.get("events", ())
    return tuple(str(v) for v in value) if isinstance(value, tuple) else ()


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def make_plan(snapshot: Snapshot, config: Config, today: dt.date, run_id: str) -> Plan:
    """Work out the whole night's changes. Pure: no I/O, no clock."""
    p = _Planner(snapshot, config, today, run_id)
    by_kind = p.responses()
    records = p.resolve(by_kind)
    responses_new, responses_updated, new_by_kind = p.response_rows(by_kind)
    dp = p.documents(records)
    schools_diff, positions = p.school_rows(records)
    cp = p.calendar(records, positions)
    p.review_rows(records, dp)
    p.event_rows(records, cp)
    p.document_rows(dp, records)

    response_problems = [pr for rs in by_kind.values() for r in rs for pr in r.problems]
    all_problems = list({pr.key: pr for pr in response_problems + p.problems}.values())
    new_problems = p.problem_rows(all_problems)

    by_step = Counter(pos.step for pos in positions.values())
    moves: list[tuple[str, str, int, int]] = []
    schools_now = snapshot.tabs.get("Schools")
    for urn, pos in positions.items():
        before = schools_now.value("URN", urn, "Step") if schools_now else None
        if before and before.isdigit() and int(before) != pos.step:
            moves.append((urn, records[urn].name, int(before), pos.step))
    stalled = sum(1 for pos in positions.values() if pos.stalled)

    changes = sum(d.plan.cell_count for d in p.diffs) + len(cp.writes) + len(dp.jobs)
    open_problems = sum(1 for pr in all_problems if pr.code not in NOTICES)
    summary = NightSummary(
        day=today,
        started=today.isoformat(),
        ok=True,
        error=None,
        backend=config.backend,
        new_responses=dict(new_by_kind),
        updated_responses=responses_updated,
        schools_created=len(schools_diff.created),
        step_moves=tuple(sorted(moves)),
        by_step={s: by_step.get(s, 0) for s in range(1, 6)},
        stalled=stalled,
        events_created=len(cp.created),
        events_updated=len(cp.updated),
        docs_created=sum(1 for j in dp.jobs if j.new),
        docs_updated=sum(1 for j in dp.jobs if not j.new),
        problems_new=len(new_problems),
        problems_open=open_problems,
        writes=changes,
    )
    headline = night_headline(summary)
    dashboard: dict[str, dict[str, str]] = {}
    if changes:  # the top of the Dashboard: what the last night with changes did
        dashboard["Last night"] = {
            "Measure": "Last night",
            "Value": today.isoformat(),
            "Detail": headline,
        }
    for step in range(1, 6):
        dashboard[f"Step {step}"] = {
            "Measure": f"Step {step}",
            "Value": str(by_step.get(step, 0)),
            "Detail": STAGE_LABELS[step],
        }
    dashboard["Schools"] = {
        "Measure": "Schools",
        "Value": str(len(positions)),
        "Detail": "in the tracker",
    }
    dashboard["Stalled"] = {
        "Measure": "Stalled",
        "Value": str(stalled),
        "Detail": f"no activity for {config.rules.stalled_after_days} days",
    }
    dashboard["Open problems"] = {
        "Measure": "Open problems",
        "Value": str(open_problems),
        "Detail": "see the Needs review tab",
    }
    p.diff(DASHBOARD, dashboard)
    p.diff(
        RUN_LOG,
        {}
        if not changes
        else {
            run_id: {
                "Run ID": run_id,
                "Started": today.isoformat(),
                "Backend": config.backend,
                "Result": "OK" if not snapshot.responses.failed else "Completed; a form failed",
                "New responses": str(responses_new),
                "Updated responses": str(responses_updated),
                "Schools created": str(len(schools_diff.created)),
                "Schools moved": str(len(moves)),
                "Events changed": "0",
                "Documents changed": "0",
                "New problems": str(len(new_problems)),
                "Cells written": str(changes),
                "Summary": headline,
            }
        },
    )
    # keep memory of tabs that were not diffed this run
    memory: Memory = {**snapshot.state.memory, **p.new_memory}
    pending: Memory = {}
    for d in p.diffs:
        if d.plan.rows:
            pending[d.plan.tab] = {r.key: {c.column: c.value for c in r.cells} for r in d.plan.rows}
    return Plan(
        today=today,
        run_id=run_id,
        tabs=p.tabs,
        tab_plans=tuple(d.plan for d in p.diffs if d.plan.rows or d.plan.add_headers),
        memory=memory,
        pending=pending,
        problems=tuple(all_problems),
        new_problems=tuple(new_problems),
        responses_new=responses_new,
        responses_updated=responses_updated,
        schools_created=tuple(schools_diff.created),
        schools_updated=tuple(schools_diff.updated),
        by_step={s: by_step.get(s, 0) for s in range(1, 6)},
        step_moves=tuple(sorted(moves)),
        stalled=stalled,
        failed_forms={str(k): v for k, v in snapshot.responses.failed.items()},
        new_by_kind=dict(new_by_kind),
        positions=positions,
        calendar=cp,
        documents=dp,
    )


__all__ = ["Plan", "Snapshot", "make_plan"]
