"""The guarantees of SPEC §11, tested as a state machine over a real local workspace.

Hypothesis drives a workspace through sequences of: schools submitting (good and bad)
responses to the five CSV exports, the exports being re-downloaded with their rows
shuffled and duplicated, a lead typing, sorting, inserting blank rows and adding columns
in `tracker.xlsx`, nights passing, and nightly runs — some of them killed after (or
before) the tracker write and rerun. After every night it checks the invariants below
against the tracker as a person would open it (see `SyncMachine._check`).

Deterministic: each test case runs a fixed seed without the example database, so a
failure is replayed by running the file again (Hypothesis also prints the minimal
failing sequence of steps and a `@reproduce_failure` blob). For a longer local hunt
set `SOS_PROPERTY_SEED` (any integer) and `SOS_PROPERTY_EXAMPLES`.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
import random
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import openpyxl
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from sos_sync.backends.local.backend import LocalBackend
from sos_sync.backends.local.exports.identity import csv_row_id
from sos_sync.config.load import Config, load_config
from sos_sync.domain.forms import (
    FORM_KINDS,
    PLEDGE_CHOICES,
    RATINGS,
    SLT_CHOICES,
    STAGES,
    TOPICS,
    YES_NO,
    FormKind,
)
from sos_sync.ops.sample import DEMO_TODAY, LONDON, forms_timestamp, write_export
from sos_sync.ops.workspace import init_workspace
from sos_sync.run.state import load_state
from sos_sync.run.sync import run_sync
from sos_sync.tracker.schema import SCHOOLS, TabPlan, TabSpec, all_tabs, cell_text

# ---------------------------------------------------------------- the small world

POOL: tuple[tuple[str, str], ...] = (
    ("141001", "Alder Brook Primary School"),
    ("141002", "Birch Lane CE Primary School"),
    ("141003", "Cedar Vale Academy"),
    ("141004", '=HYPERLINK("x","y")'),  # a school "named" with a formula
)
UNKNOWN_SCHOOL = "Nowhere Park Infant School"
BAD_URNS = ("14100", "ABC123", "0141001", "141 00X")
BAD_EMAILS = ("head@school", "a@b.c,d@e.f", "not an email")
TRICKY_TEXT = (
    '=HYPERLINK("x","y")',
    "+44 20 7946 0000",
    "-Ash Grove",
    "@home",
    "=1+1",
    "{{ contact_email }} and {% for x in y %}",
    "Tuesdays after 3:30",
)
# the free-text answer of each form that carries the tricky text
FREE_TEXT: dict[FormKind, str] = {
    "eoi": "contact_role",
    "audit": "notes_learn",
    "signup": "access_needs",
    "application": "notes",
    "catchup": "preferred_dates",
}
FIRST_SUBMISSION = dt.datetime(2025, 1, 6, 9, 0, tzinfo=LONDON)

Fault = Literal["none", "urn", "email", "choice", "consent"]
Outcome = Literal["valid", "flagged", "refused", "joined_or_flagged"]


@dataclass
class Sent:
    """A response a school sent, and what the tracker must show for it."""

    kind: FormKind
    rid: str
    row: dict[str, str]
    outcome: Outcome
    urn: str  # the valid URN it names, or ""
    texts: dict[str, str] = field(default_factory=dict)  # tab header -> literal text


class Killed(BaseException):
    """The process dies (like SIGKILL): nothing after this point of the run happens."""


class KilledTracker:
    """A tracker whose run dies right after (or right before) the workbook is written."""

    def __init__(self, inner: object, after_write: bool) -> None:
        self.inner = inner
        self.after_write = after_write

    def read_tabs(self, tabs: Sequence[TabSpec]) -> object:
        return self.inner.read_tabs(tabs)  # type: ignore[attr-defined]

    def apply(self, tabs: Sequence[TabSpec], plans: Sequence[TabPlan]) -> int:
        if self.after_write:
            self.inner.apply(tabs, plans)  # type: ignore[attr-defined]
        raise Killed("killed " + ("after" if self.after_write else "before") + " the write")


# ---------------------------------------------------------------- the tracker as a person sees it


Book = dict[str, tuple[list[str], list[list[str]]]]


def read_book(path: Path) -> Book:
    """Every tab: its header and its non-blank rows, each cell as the sync's text."""
    wb = openpyxl.load_workbook(path, read_only=True)
    out: Book = {}
    for name in wb.sheetnames:
        rows = [[cell_text(v) for v in r] for r in wb[name].iter_rows(values_only=True)]
        header = rows[0] if rows else []
        out[name] = (header, [r for r in rows[1:] if any(r)])
    wb.close()
    return out


def column(book: Book, tab: str, name: str) -> list[str]:
    header, rows = book[tab]
    i = header.index(name)
    return [r[i] if i < len(r) else "" for r in rows]


def rows_by(book: Book, tab: str, key: str) -> dict[str, list[dict[str, str]]]:
    header, rows = book[tab]
    out: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        d = dict(zip(header, r, strict=False))
        if d.get(key):
            out.setdefault(d[key], []).append(d)
    return out


def formula_cells(path: Path) -> list[str]:
    """Worksheets that hold a formula cell (`<f>`) in their XML."""
    with zipfile.ZipFile(path) as z:
        return [
            n
            for n in z.namelist()
            if n.startswith("xl/worksheets/sheet")
            and ("<f>" in (xml := z.read(n).decode()) or "<f " in xml)
        ]


def header_col(ws: Worksheet, name: str) -> int | None:
    for cell in ws[1]:
        if cell.value == name:
            return int(cell.column)
    return None


def key_rows(ws: Worksheet, key: str) -> dict[str, int]:
    c = header_col(ws, key)
    assert c is not None, key
    out: dict[str, int] = {}
    for r in range(2, ws.max_row + 1):
        v = cell_text(ws.cell(row=r, column=c).value)
        if v:
            out.setdefault(v, r)
    return out


def sort_rows(ws: Worksheet, by: int, reverse: bool) -> None:
    """Sort the data rows as Excel does: whole rows move, with each cell's type and style
    (so a text cell holding `=HYPERLINK(...)` stays text), blank rows last."""
    width = ws.max_column
    rows = [
        [
            (c._value, c.data_type, copy.copy(c._style))  # noqa: SLF001
            for c in (ws.cell(row=r, column=i) for i in range(1, width + 1))
        ]
        for r in range(2, ws.max_row + 1)
    ]
    filled = [r for r in rows if any(v is not None for v, _, _ in r)]
    blank = [r for r in rows if all(v is None for v, _, _ in r)]
    filled.sort(key=lambda r: cell_text(r[by - 1][0]), reverse=reverse)
    for r, values in enumerate(filled + blank, start=2):
        for i, (v, t, style) in enumerate(values, start=1):
            cell = ws.cell(row=r, column=i)
            cell._value = v  # noqa: SLF001
            cell.data_type = t
            cell._style = style  # noqa: SLF001


# ---------------------------------------------------------------- the machine

Typed = dict[tuple[str, str, str, str], str]  # (tab, key column, key, column) -> text typed


class SyncMachine(RuleBasedStateMachine):
    """A workspace, its inbox, a lead's hands on the tracker and the nightly runs."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="sos-prop-"))
        self.ws = init_workspace(self.tmp / "ws", example="coventry")
        self.config: Config = load_config(self.ws)
        self.tabs = all_tabs(self.config.forms, [c.code for c in self.config.criteria])
        self.codes = [c.code for c in self.config.criteria]
        self.labels = [e.form_label for e in self.config.programme.events if e.form_label]
        self.exports: dict[FormKind, list[dict[str, str]]] = {k: [] for k in FORM_KINDS}
        self.sent: list[Sent] = []
        self.typed: Typed = {}
        self.today = DEMO_TODAY
        self.n = 0  # a counter for timestamps and typed values
        self.checked = False  # the invariants hold and nothing changed since

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    @property
    def tracker(self) -> Path:
        return self.ws / "tracker.xlsx"

    # ------------------------------------------------------------ schools submit

    def _next_ts(self) -> str:
        self.n += 1
        return forms_timestamp(FIRST_SUBMISSION + dt.timedelta(minutes=97 * self.n))

    def _write(self, kind: FormKind, rows: list[dict[str, str]]) -> None:
        spec = self.config.forms[kind]
        write_export(self.ws / "inbox" / spec.inbox_file, spec, rows)

    def _answers(self, kind: FormKind, school: str, urn: str, d: st.DataObject) -> dict[str, str]:
        email = f"staff{self.n}@{urn or 'x'}.example.sch.uk"
        row = {"_ts": self._next_ts(), "_email": email, "school": school, "urn": urn}
        if kind == "eoi":
            row |= {
                "contact_name": f"Head {self.n}",
                "contact_email": email,
                "pledge": d.draw(st.sampled_from(PLEDGE_CHOICES)),
                "slt": d.draw(st.sampled_from(SLT_CHOICES)),
                "newsletter": d.draw(st.sampled_from(YES_NO)),
                "consent": "I agree",
            }
        elif kind == "audit":
            row |= {"contact_name": "A. Teacher", "contact_email": email}
            row |= {f"rating_{c}": d.draw(st.sampled_from(RATINGS)) for c in self.codes}
        elif kind == "signup":
            picked = d.draw(st.lists(st.sampled_from(self.labels), min_size=1, max_size=2))
            row |= {
                "attendee_name": f"Staff {self.n}",
                "attendee_email": email,
                "events": ", ".join(dict.fromkeys(picked)),
            }
        elif kind == "application":
            row |= {
                "contact_email": email,
                "stage": d.draw(st.sampled_from(STAGES)),
                "link": f"https://drive.example.org/{urn}/{self.n}",
            }
        else:
            row |= {
                "contact_name": f"Office {self.n}",
                "contact_email": email,
                "topic": d.draw(st.sampled_from(TOPICS)),
            }
        row[FREE_TEXT[kind]] = d.draw(st.sampled_from(TRICKY_TEXT))
        return row

    def _send(self, kind: FormKind, row: dict[str, str], outcome: Outcome, urn: str) -> None:
        spec = self.config.forms[kind]
        rid = csv_row_id(kind, row["_ts"], row["_email"], row["school"], row["urn"])
        free = spec.field(FREE_TEXT[kind])
        texts = {free.header: row[free.name], "School": row["school"]}
        self.exports[kind].append(row)
        self._write(kind, self.exports[kind])
        self.checked = False
        self.sent.append(Sent(kind, rid, row, outcome, urn, texts))

    @rule(
        kind=st.sampled_from(FORM_KINDS),
        school=st.sampled_from(POOL),
        d=st.data(),
    )
    def submit(self, kind: FormKind, school: tuple[str, str], d: st.DataObject) -> None:
        urn, name = school
        self._send(kind, self._answers(kind, name, urn, d), "valid", urn)

    @rule(
        kind=st.sampled_from(FORM_KINDS),
        school=st.sampled_from(POOL),
        fault=st.sampled_from(("urn", "email", "choice", "consent")),
        d=st.data(),
    )
    def submit_bad(
        self, kind: FormKind, school: tuple[str, str], fault: Fault, d: st.DataObject
    ) -> None:
        urn, name = school
        row = self._answers(kind, name, urn, d)
        outcome: Outcome = "flagged"
        if fault == "urn":
            row["urn"] = d.draw(st.sampled_from(BAD_URNS))
            urn = ""
            if d.draw(st.booleans()):
                row["school"] = UNKNOWN_SCHOOL  # cannot be joined by name: Needs review
            else:
                outcome = "joined_or_flagged"  # one confident name match joins (SPEC §5)
        elif fault == "email":
            row["attendee_email" if kind == "signup" else "contact_email"] = d.draw(
                st.sampled_from(BAD_EMAILS)
            )
        elif fault == "choice":
            if kind == "eoi":
                row[d.draw(st.sampled_from(("pledge", "slt", "newsletter")))] = "Sometimes"
            elif kind == "audit":
                row[f"rating_{d.draw(st.sampled_from(self.codes))}"] = "Sometimes"
            elif kind == "signup":
                row["events"] = "Bake sale – Friday 13 June 2025"
            elif kind == "application":
                row["stage"] = "Half an application"
            else:
                row["topic"] = "Lunch"
        elif kind == "eoi":  # no consent (only the EOI asks)
            row["consent"] = ""
            outcome = "refused"
        else:
            row["school"], row["urn"], urn = "", "", ""  # no school at all
        self._send(kind, row, outcome, urn)

    @precondition(lambda self: any(self.exports.values()))
    @rule(d=st.data(), rnd=st.randoms(use_true_random=False))
    def resubmit_same_export(self, d: st.DataObject, rnd: random.Random) -> None:
        """The export is downloaded again: the same responses, shuffled and some twice."""
        kind = d.draw(st.sampled_from([k for k in FORM_KINDS if self.exports[k]]))
        rows = list(self.exports[kind])
        rows += rnd.sample(rows, rnd.randint(0, len(rows)))
        rnd.shuffle(rows)
        self._write(kind, rows)
        self.checked = False

    # ------------------------------------------------------------ a lead at work

    def _edit(self, fn: Callable[[Workbook], None]) -> None:
        wb = openpyxl.load_workbook(self.tracker)
        fn(wb)
        wb.save(self.tracker)
        self.checked = False

    def _typed_value(self, urn: str, col: str, d: st.DataObject) -> object:
        kind = SCHOOLS.column(col).kind
        self.n += 1
        if col == "School" and d.draw(st.booleans()):  # a lead corrects a school's name
            return f"{dict(POOL)[urn]} (typed {self.n})"
        if col == "Step override":
            return d.draw(st.sampled_from((1, 2, 3, 4, 5, 7, "soon")))
        if kind == "date":  # never a date the sync writes (those are 2025 and later)
            return d.draw(
                st.sampled_from((dt.date(2024, 3, 1), dt.date(2024, 11, 29), "14/05/2024", "tbc"))
            )
        if kind == "int":
            return d.draw(st.sampled_from((42, "n/a")))
        if col == "Contact email":
            return f"lead{self.n}@typed.example"
        return d.draw(st.sampled_from((f"typed {self.n}", f"=typed {self.n}", f"+typed {self.n}")))

    @precondition(lambda self: self.tracker.exists())
    @rule(
        col=st.sampled_from([c.name for c in SCHOOLS.columns if c.name != SCHOOLS.key]),
        d=st.data(),
    )
    def lead_types(self, col: str, d: st.DataObject) -> None:
        """A lead types a value into a machine column or a lead column of `Schools`."""

        def edit(wb: Workbook) -> None:
            ws = wb["Schools"]
            rows = key_rows(ws, "URN")
            if not rows:
                return
            urn = d.draw(st.sampled_from(sorted(rows)))
            value = self._typed_value(urn, col, d)
            c = header_col(ws, col)
            assert c is not None
            cell = ws.cell(row=rows[urn], column=c, value=value)
            if isinstance(value, str) and value[:1] in "=+-@":
                cell.data_type = "s"  # typed with Excel's leading apostrophe: text
                cell.quotePrefix = True
            self.typed[("Schools", "URN", urn, col)] = cell_text(value)

        self._edit(edit)

    def _data_tab(self, d: st.DataObject) -> str:
        return d.draw(st.sampled_from(["Schools", *(self.config.forms[k].tab for k in FORM_KINDS)]))

    @precondition(lambda self: self.tracker.exists())
    @rule(d=st.data(), reverse=st.booleans())
    def lead_sorts(self, d: st.DataObject, reverse: bool) -> None:
        tab = self._data_tab(d)

        def edit(wb: Workbook) -> None:
            ws = wb[tab]
            sort_rows(ws, d.draw(st.integers(1, ws.max_column)), reverse)

        self._edit(edit)

    @precondition(lambda self: self.tracker.exists())
    @rule(d=st.data(), amount=st.integers(1, 3))
    def lead_inserts_blank_rows(self, d: st.DataObject, amount: int) -> None:
        tab = self._data_tab(d)

        def edit(wb: Workbook) -> None:
            ws = wb[tab]
            ws.insert_rows(d.draw(st.integers(2, max(2, ws.max_row))), amount=amount)

        self._edit(edit)

    @precondition(lambda self: self.tracker.exists())
    @rule(d=st.data())
    def lead_adds_a_column(self, d: st.DataObject) -> None:
        """A lead adds a column to the right of a tab and fills some of its cells."""
        tab = self._data_tab(d)
        key = "URN" if tab == "Schools" else "Response ID"
        self.n += 1
        name = f"Lead column {self.n}"

        def edit(wb: Workbook) -> None:
            ws = wb[tab]
            c = ws.max_column + 1
            ws.cell(row=1, column=c, value=name)
            for k, r in key_rows(ws, key).items():
                if d.draw(st.booleans()):
                    value = f"{name}: {k[-4:]}"
                    ws.cell(row=r, column=c, value=value)
                    self.typed[(tab, key, k, name)] = value

        self._edit(edit)

    @rule(days=st.sampled_from((1, 7, 45)))
    def nights_pass(self, days: int) -> None:
        self.today += dt.timedelta(days=days)
        self.checked = False

    # ------------------------------------------------------------ nights

    @rule()
    def sync(self) -> None:
        result = run_sync(self.ws, self.today)
        assert result.ok
        if self.checked:  # nothing changed since the last night: a quiet night
            assert result.writes == 0, result.as_json()
            return
        self._check()

    @rule(after_write=st.booleans())
    def crash_then_rerun(self, after_write: bool) -> None:
        """A run killed after the tracker write (or before it), before the state is saved;
        then the next run."""
        backend = LocalBackend(self.config)
        backend.tracker = KilledTracker(backend.tracker, after_write)  # type: ignore[assignment]
        with contextlib.suppress(Killed):  # a quiet night writes nothing, so nothing kills it
            run_sync(self.ws, self.today, backend=backend)  # type: ignore[arg-type]
        assert run_sync(self.ws, self.today).ok
        assert not load_state(self.ws).pending
        self._check()

    # ------------------------------------------------------------ the guarantees

    def _check(self) -> None:
        book = read_book(self.tracker)
        self._one_row_per_key(book)
        self._every_response_lands(book)
        self._one_school_per_urn(book)
        self._typed_values_stay(book)
        self._form_text_is_literal(book)
        assert not formula_cells(self.tracker), "a cell became a formula"
        again = run_sync(self.ws, self.today)
        assert again.writes == 0, again.as_json()
        assert again.quiet
        self.checked = True

    def _one_row_per_key(self, book: Book) -> None:
        for spec in self.tabs:
            keys = [k for k in column(book, spec.name, spec.key) if k]
            dups = sorted({k for k in keys if keys.count(k) > 1})
            assert not dups, f"{spec.name}: more than one row for {dups}"

    def _every_response_lands(self, book: Book) -> None:
        problems = rows_by(book, "Needs review", "Response or row")
        for s in self.sent:
            tab = self.config.forms[s.kind].tab
            rows = rows_by(book, tab, "Response ID").get(s.rid, [])
            raised = [p for p in problems.get(s.rid, []) if not p["Status"].startswith("Cleared")]
            if s.outcome == "refused":
                assert not rows, f"{s.rid}: a refused response's data was stored on {tab}"
                assert any("consent" in p["Reason"] for p in raised), s.row
                assert all(p["School"] == s.row["school"] for p in raised)
                continue
            assert len(rows) == 1, f"{s.rid} ({s.outcome}) is on {tab} {len(rows)} times"
            status = rows[0]["Status"]
            if s.outcome == "flagged":
                assert status.startswith("Needs review"), (s.row, status)
                assert raised, f"{s.rid}: flagged on {tab} but no Needs review row"

    def _one_school_per_urn(self, book: Book) -> None:
        urns = [u for u in column(book, "Schools", "URN") if u]
        want = {s.urn for s in self.sent if s.urn and s.row["school"] and s.outcome != "refused"}
        assert sorted(urns) == sorted(want), (sorted(urns), sorted(want))

    def _typed_values_stay(self, book: Book) -> None:
        for (tab, key_col, key, col), value in self.typed.items():
            rows = rows_by(book, tab, key_col).get(key, [])
            assert len(rows) == 1, (tab, key)
            assert rows[0].get(col) == value, (tab, key, col, value, rows[0].get(col))
        typed = set(self.typed.values())
        for p in rows_by(book, "Needs review", "Problem ID").values():
            if p[0]["Reason"].startswith("Someone typed") and p[0]["Status"] == "Open":
                assert p[0]["Value"] in typed, f"the sync's own value was taken as typed: {p[0]}"

    def _form_text_is_literal(self, book: Book) -> None:
        for s in self.sent:
            rows = rows_by(book, self.config.forms[s.kind].tab, "Response ID").get(s.rid, [])
            for header, text in s.texts.items():
                if rows:
                    assert rows[0][header] == text.strip(), (header, rows[0][header], text)


SETTINGS = settings(
    max_examples=int(os.environ.get("SOS_PROPERTY_EXAMPLES", "10")),
    stateful_step_count=30,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
SEED = int(os.environ.get("SOS_PROPERTY_SEED", "20250714"))


@seed(SEED)
class NightsA(SyncMachine):
    pass


@seed(SEED + 1)
class NightsB(SyncMachine):
    pass


# two test cases, so `pytest -n 2` runs them side by side
TestNightsA = NightsA.TestCase
TestNightsA.settings = SETTINGS
TestNightsB = NightsB.TestCase
TestNightsB.settings = SETTINGS
