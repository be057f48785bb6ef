"""Hand-built snapshots for `make_plan`: responses as a form gives them, a tracker as a lead
left it, and the rows a plan wants on each tab (milliseconds each, no workspace I/O
beyond the configuration and the document templates read once)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from sos_sync.backends.base import ResponsesRead
from sos_sync.config.load import Config, load_config
from sos_sync.domain.forms import FORM_KINDS, FormKind
from sos_sync.domain.responses import RawResponse
from sos_sync.ops.workspace import init_workspace
from sos_sync.plan.planner import Plan, Snapshot, make_plan
from sos_sync.run.state import State
from sos_sync.tracker.schema import TabData

TODAY = dt.date(2025, 7, 15)
CONSENT = "I agree"
OK_RATINGS = "Developing"

_CONFIG: dict[str, Config] = {}


def config(tmp: Path | None = None) -> Config:
    """The default workspace configuration (made once per test process)."""
    if "c" not in _CONFIG:
        import tempfile

        root = Path(tmp or tempfile.mkdtemp(prefix="sos-plan-"))
        _CONFIG["c"] = load_config(init_workspace(root / "ws", example="coventry"))
    return _CONFIG["c"]


def codes() -> list[str]:
    return [c.code for c in config().criteria]


def label(key: str) -> str:
    """The sign-up form's label of a programme event."""
    return next(e.form_label for e in config().programme.events if e.key == key)


def raw(kind: FormKind, when: str, rid: str = "", email: str = "", **answers: str) -> RawResponse:
    """A response as the Forms API gives it; `when` is `YYYY-MM-DD HH:MM` (UTC)."""
    submitted = when.replace(" ", "T") + ":00Z"
    rid = (
        rid
        or f"{kind}-" + hashlib.sha256(f"{when}{sorted(answers.items())}".encode()).hexdigest()[:10]
    )
    return RawResponse(kind, rid, submitted, email, dict(answers))


def eoi(when: str, school: str, urn: str = "", **answers: str) -> RawResponse:
    base = {
        "school": school,
        "urn": urn,
        "contact_name": "A Head",
        "contact_email": "head@school.example",
        "pledge": "Yes",
        "slt": "Yes",
        "newsletter": "Yes",
        "consent": CONSENT,
    }
    return raw("eoi", when, **{**base, **answers})


def audit(when: str, school: str, urn: str = "", **answers: str) -> RawResponse:
    base = {
        "school": school,
        "urn": urn,
        "contact_name": "A Teacher",
        "contact_email": "t@school.example",
    }
    base |= {f"rating_{c}": OK_RATINGS for c in codes()}
    return raw("audit", when, **{**base, **answers})


def signup(when: str, school: str, urn: str = "", *events: str, **answers: str) -> RawResponse:
    base = {
        "school": school,
        "urn": urn,
        "attendee_name": "Sam",
        "attendee_email": "sam@school.example",
        "events": ", ".join(label(e) for e in events),
    }
    return raw("signup", when, **{**base, **answers})


def application(
    when: str, school: str, urn: str = "", stage: str = "Draft application", **answers: str
) -> RawResponse:
    base = {"school": school, "urn": urn, "contact_email": "t@school.example", "stage": stage}
    return raw("application", when, **{**base, **answers})


def tab(header: Sequence[str], *rows: Mapping[str, str]) -> TabData:
    return TabData(list(header), [[r.get(h, "") for h in header] for r in rows])


def night(
    responses: Iterable[RawResponse],
    *,
    today: dt.date = TODAY,
    tabs: Mapping[str, TabData | None] | None = None,
    state: State | None = None,
    failed: Mapping[FormKind, str] | None = None,
    order: Sequence[FormKind] = FORM_KINDS,
) -> Plan:
    """One night's plan over these responses (read in the given order of forms)."""
    by_kind: dict[FormKind, list[RawResponse]] = {k: [] for k in order}
    for r in responses:
        by_kind[r.kind].append(r)
    read = ResponsesRead(by_kind, dict(failed or {}))
    return make_plan(Snapshot(read, dict(tabs or {}), state or State()), config(), today, "run-1")


def rows(plan: Plan, tab_name: str) -> dict[str, dict[str, str]]:
    """The cells a plan writes on a tab, by row key."""
    out: dict[str, dict[str, str]] = {}
    for tp in plan.tab_plans:
        if tp.tab == tab_name:
            for r in tp.rows:
                out.setdefault(r.key, {}).update({c.column: str(c.value) for c in r.cells})
    return out


def school(plan: Plan, urn: str) -> dict[str, str]:
    return rows(plan, "Schools")[urn]


def problems(plan: Plan, code: str | None = None) -> list[dict[str, str]]:
    """The Needs review rows a plan writes (optionally of one kind of problem)."""
    keys = {p.key for p in plan.report.problems if code is None or p.code == code}
    return [r for k, r in rows(plan, "Needs review").items() if k in keys]


def codes_of(plan: Plan) -> list[str]:
    return sorted(p.code for p in plan.report.problems)


def docx_text(data: bytes) -> str:
    """The text of a rendered .docx: body, tables, header and footer."""
    import io

    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
        parts += [c.text for t in section.header.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def all_text(plan: Plan) -> str:
    """Every value the plan writes anywhere (tabs, calendar, documents), as one text."""
    parts = [str(c.value) for tp in plan.tab_plans for r in tp.rows for c in r.cells]
    if plan.calendar:
        parts += [repr(e.content()) for e in plan.calendar.hold]
    if plan.documents:
        parts += [docx_text(j.docx) for j in plan.documents.jobs]
    return "\n".join(parts)


# ---------------------------------------------------------------- nights in memory


def apply_tabs(tabs: Mapping[str, TabData | None], plan: Plan) -> dict[str, TabData]:
    """The tracker after a plan's writes land (rows found by key, as every backend does)."""
    out = {n: TabData(list(t.header), [list(r) for r in t.rows]) for n, t in tabs.items() if t}
    for tp in plan.tab_plans:
        t = out.setdefault(tp.tab, TabData([], []))
        header = t.header + [h for h in tp.add_headers if h not in t.header]
        grid = [r + [""] * (len(header) - len(r)) for r in t.rows]
        at = {h: i for i, h in enumerate(header)}
        where = {r[at[tp.key_column]]: r for r in grid if at.get(tp.key_column) is not None}
        for w in tp.rows:
            row = where.get(w.key)
            if row is None:
                row = [""] * len(header)
                row[at[tp.key_column]] = w.key
                grid.append(row)
                where[w.key] = row
            for c in w.cells:
                row[at[c.column]] = str(c.value)
        out[tp.tab] = TabData(header, grid)
    return out


class Nights:
    """A tracker, calendar and document store in memory, carried from night to night."""

    def __init__(self) -> None:
        self.tabs: dict[str, TabData] = {}
        self.state = State()
        self.calendar: dict[str, object] = {}
        self.documents: dict[str, bytes] = {}  # key -> the .docx last generated
        self.plans: list[Plan] = []

    def run(
        self,
        responses: Iterable[RawResponse],
        *,
        today: dt.date = TODAY,
        order: Sequence[FormKind] = FORM_KINDS,
        failed: Mapping[FormKind, str] | None = None,
    ) -> Plan:
        from sos_sync.backends.base import DocState

        by_kind: dict[FormKind, list[RawResponse]] = {k: [] for k in order}
        for r in responses:
            by_kind[r.kind].append(r)
        extra = self.state.extra
        docs = {
            k: DocState(k, v["link"], v["fingerprint"])
            for k, v in extra.get("documents", {}).items()
        }
        snap = Snapshot(
            ResponsesRead(by_kind, dict(failed or {})),
            dict(self.tabs),
            self.state,
            dict(self.calendar),  # type: ignore[arg-type]
            docs,
        )
        plan = make_plan(snap, config(), today, f"run-{len(self.plans) + 1}")
        self.tabs = apply_tabs(self.tabs, plan)
        new_extra = dict(extra)
        if plan.calendar is not None:
            new_extra["calendar"] = plan.calendar.record
            self.calendar = {e.key: e for e in plan.calendar.hold}
        if plan.documents is not None:
            new_extra["documents"] = plan.documents.record
            self.documents.update({j.key: j.docx for j in plan.documents.jobs})
        self.state = State(plan.memory, {}, new_extra)
        self.plans.append(plan)
        return plan

    def tab(self, name: str) -> dict[str, dict[str, str]]:
        t = self.tabs.get(name)
        if t is None:
            return {}
        key = t.header[0]
        return {r[t.header.index(key)]: dict(zip(t.header, r, strict=False)) for r in t.rows}
