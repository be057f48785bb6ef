"""Whole nights on the local backend: the guarantees of SPEC §11 that apply to the tracker."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from helpers import TODAY, by_key, column_of, edit_tracker, read_tab, row_of, tracker_values

from sos_sync.backends.local.backend import LocalBackend
from sos_sync.config.load import load_config
from sos_sync.domain.report import RunReport
from sos_sync.errors import ConfigError, LockHeld
from sos_sync.ops.sample import forms_timestamp
from sos_sync.run.lock import workspace_lock
from sos_sync.run.state import load_state
from sos_sync.run.sync import run_sync
from sos_sync.tracker.schema import TabPlan, TabSpec

Sync = Callable[..., RunReport]


def test_second_run_writes_nothing_and_leaves_the_file_unchanged(
    workspace: Path, sync: Sync
) -> None:
    first = sync(workspace)
    assert first.writes > 0
    before = (workspace / "tracker.xlsx").read_bytes()
    state_before = load_state(workspace)
    second = sync(workspace)
    assert second.as_json()["writes"] == 0
    assert (workspace / "tracker.xlsx").read_bytes() == before
    assert load_state(workspace) == state_before
    assert second.as_json()["responses"] == {"new": 0, "updated": 0, "needs_review": 0}


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_response_lands_exactly_once_or_in_needs_review(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    config = load_config(workspace)
    problems = read_tab(workspace, "Needs review")
    for kind, spec in config.forms.items():
        rows = _csv_rows(workspace / "inbox" / spec.inbox_file)
        tab = read_tab(workspace, spec.tab)
        ids = [r["Response ID"] for r in tab]
        assert len(ids) == len(set(ids)), f"duplicate rows on {spec.tab}"
        distinct = {tuple(sorted(r.items())) for r in rows}
        consent_col = spec.fields[-1].title if kind == "eoi" else None
        refused = [r for r in distinct if consent_col and not dict(r)[consent_col]]
        assert len(tab) + len(refused) == len(distinct), spec.tab
        for r in refused:  # no consent: only a Needs review row, naming the school
            school = dict(r)["School name"]
            assert any(p["School"] == school and "consent" in str(p["Reason"]) for p in problems)
            assert not any(t["School"] == school for t in tab)


def test_new_export_with_more_rows_adds_only_the_new_ones(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    config = load_config(workspace)
    spec = config.forms["catchup"]
    rows = _csv_rows(workspace / "inbox" / spec.inbox_file)
    new = dict(rows[0])
    new["Timestamp"] = forms_timestamp(dt.datetime(2025, 7, 12, 10, tzinfo=dt.UTC))
    new["School URN"] = "131003"
    new["School name"] = "Canal Side Academy"
    with (workspace / "inbox" / spec.inbox_file).open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerow(list(new.values()))
    result = sync(workspace)
    assert result.as_json()["responses"]["new"] == 1
    tab = read_tab(workspace, spec.tab)
    assert len(tab) == len(rows) + 1
    result = sync(workspace)
    assert result.writes == 0


def test_formula_text_stays_text(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    schools = by_key(read_tab(workspace, "Schools"), "URN")
    assert schools["131011"]["School"] == '=HYPERLINK("https://evil.example","Click me")'
    with zipfile.ZipFile(workspace / "tracker.xlsx") as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
    import openpyxl

    wb = openpyxl.load_workbook(workspace / "tracker.xlsx")
    ws = wb["Schools"]
    cell = ws.cell(row=row_of(ws, "URN", "131011"), column=column_of(ws, "School"))
    assert cell.data_type == "s" and cell.quotePrefix


def test_a_leads_typed_values_survive_sort_insert_delete(workspace: Path, sync: Sync) -> None:
    sync(workspace)

    def lead_edits(wb: object) -> None:
        ws = wb["Schools"]  # type: ignore[index]
        # a lead adds a column of notes to the right
        notes_col = ws.max_column + 1
        ws.cell(row=1, column=notes_col, value="Phone calls")
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=notes_col, value=f"called {ws.cell(row=r, column=1).value}")
        # types in a lead column and over a machine column
        ws.cell(
            row=row_of(ws, "URN", "131004"), column=column_of(ws, "Notes"), value="Lovely school"
        )
        ws.cell(
            row=row_of(ws, "URN", "131003"),
            column=column_of(ws, "Next action"),
            value="Phone the head",
        )
        ws.cell(
            row=row_of(ws, "URN", "131005"),
            column=column_of(ws, "Panel date"),
            value=dt.date(2025, 9, 1),
        )
        # sorts the rows in reverse, inserts blank rows at the top, deletes one row
        data = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
        data.sort(key=lambda r: str(r[0]), reverse=True)
        for r, values in enumerate(data, start=2):
            for c, v in enumerate(values, start=1):
                ws.cell(row=r, column=c, value=v)
        ws.insert_rows(2, amount=3)
        ws.delete_rows(row_of(ws, "URN", "131009"))

    edit_tracker(workspace, lead_edits)
    # new evidence arrives for 131004: its draft application
    config = load_config(workspace)
    spec = config.forms["application"]
    rows = _csv_rows(workspace / "inbox" / spec.inbox_file)
    extra = dict(
        rows[0],
        **{
            "Timestamp": "2025/07/10 4:00:00 PM GMT+1",
            "School URN": "131004",
            "School name": "St Mary's RC Primary School",
            "What are you submitting?": "Draft application",
        },
    )
    with (workspace / "inbox" / spec.inbox_file).open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerow(list(extra.values()))
    sync(workspace)
    schools = by_key(read_tab(workspace, "Schools"), "URN")
    assert schools["131004"]["Notes"] == "Lovely school"
    assert schools["131004"]["Step"] == 3 and schools["131004"]["Draft submitted"] == dt.datetime(
        2025, 7, 10
    )
    assert schools["131004"]["Phone calls"] == "called 131004"
    assert schools["131003"]["Next action"] == "Phone the head"
    assert schools["131005"]["Panel date"] == dt.datetime(2025, 9, 1)
    assert schools["131005"]["Step"] == 4  # the lead's panel date counts as evidence
    assert "131009" in schools  # a deleted school row comes back: nothing is lost
    problems = read_tab(workspace, "Needs review")
    typed = [p for p in problems if "Phone the head" in str(p["Value"])]
    assert len(typed) == 1 and "left the typed value alone" in str(typed[0]["Reason"])
    assert any(
        "131009" in str(p["Response or row"]) and "deleted" in str(p["Reason"]) for p in problems
    )
    # and the night after, nothing is fought over again
    assert sync(workspace).writes == 0


class CrashAfterWrite:
    """A tracker that dies after the workbook is written, before the run can save its state."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    def read_tabs(self, tabs: Sequence[TabSpec]) -> object:
        return self.inner.read_tabs(tabs)  # type: ignore[attr-defined]

    def apply(self, tabs: Sequence[TabSpec], plans: Sequence[TabPlan]) -> int:
        self.inner.apply(tabs, plans)  # type: ignore[attr-defined]
        raise KeyboardInterrupt("killed after the write")


class CrashBeforeWrite(CrashAfterWrite):
    def apply(self, tabs: Sequence[TabSpec], plans: Sequence[TabPlan]) -> int:
        raise KeyboardInterrupt("killed before the write")


def _strip_run_ids(
    values: dict[str, list[tuple[object, ...]]],
) -> dict[str, list[tuple[object, ...]]]:
    """Everything but the narrative of the run itself (its id, and the Dashboard's "Last night"
    sentence, which says what *that* run did: a rerun after a crash did only the rest)."""
    values = dict(values)
    values["Dashboard"] = [r for r in values.get("Dashboard", []) if r[0] != "Last night"]
    values["Run log"] = [
        tuple(v for i, v in enumerate(r) if i != 0) for r in values.get("Run log", [])
    ]
    return values


@pytest.mark.parametrize("crash", [CrashAfterWrite, CrashBeforeWrite])
def test_killed_run_then_rerun_equals_a_clean_run(tmp_path: Path, crash: type, sync: Sync) -> None:
    from sos_sync.ops.sample import write_demo_inbox
    from sos_sync.ops.workspace import init_workspace

    clean = init_workspace(tmp_path / "clean", example="coventry")
    crashed = init_workspace(tmp_path / "crashed", example="coventry")
    for ws in (clean, crashed):
        write_demo_inbox(ws / "inbox", load_config(ws))
    sync(clean)
    backend = LocalBackend(load_config(crashed))
    backend.tracker = crash(backend.tracker)  # type: ignore[assignment]
    with pytest.raises(KeyboardInterrupt):
        run_sync(crashed, TODAY, backend=backend)
    rerun = sync(crashed)
    assert rerun.ok
    a, b = _strip_run_ids(tracker_values(clean)), _strip_run_ids(tracker_values(crashed))
    assert {k: v for k, v in a.items() if k != "Run log"} == {
        k: v for k, v in b.items() if k != "Run log"
    }
    mem_a, mem_b = load_state(clean).memory, load_state(crashed).memory
    for mem in (mem_a, mem_b):
        mem.pop("Run log", None)
        mem.get("Dashboard", {}).pop("Last night", None)
    assert mem_a == mem_b
    assert not load_state(crashed).pending
    problems = read_tab(crashed, "Needs review")
    assert not any("typed" in str(p["Reason"]) for p in problems), (
        "the run's own writes were taken for a person's"
    )
    assert sync(crashed).writes == 0


def test_a_second_run_cannot_start_while_one_holds_the_workspace(workspace: Path) -> None:
    with workspace_lock(workspace), pytest.raises(LockHeld) as exc:
        run_sync(workspace, TODAY)
    assert exc.value.exit_code == 75
    assert not (workspace / "tracker.xlsx").exists()


def test_configuration_errors_are_all_reported_before_any_write(workspace: Path) -> None:
    cfg = workspace / "sos-sync.toml"
    text = cfg.read_text()
    text = text.replace("[rules]", "[rules]\nstaled_after_days = 3").replace(
        "renewal_years = 3", "renewal_years = 0"
    )
    cfg.write_text(text)
    with pytest.raises(ConfigError) as exc:
        run_sync(workspace, TODAY)
    msg = "\n".join(exc.value.problems)
    assert "rules.staled_after_days: unknown setting (did you mean `stalled_after_days`?)" in msg
    assert "rules.renewal_years" in msg
    assert not (workspace / "tracker.xlsx").exists()


def test_config_error_second_pass(workspace: Path) -> None:
    cfg = workspace / "sos-sync.toml"
    cfg.write_text(
        cfg.read_text()
        .replace('programme = "programme.toml"', 'programme = "missing.toml"')
        .replace("[forms.eoi.questions]", '[forms.eoi.questions]\nschol = "Name of school"')
    )
    with pytest.raises(ConfigError) as exc:
        run_sync(workspace, TODAY)
    msg = "\n".join(exc.value.problems)
    assert "forms.eoi.questions.schol: unknown field (did you mean `school`?)" in msg
    assert "missing.toml does not exist" in msg
    assert not (workspace / "tracker.xlsx").exists()


def test_a_reworded_question_fails_that_form_closed_and_config_fixes_it(
    workspace: Path, sync: Sync
) -> None:
    config = load_config(workspace)
    path = workspace / "inbox" / config.forms["audit"].inbox_file
    path.write_text(
        path.read_text(encoding="utf-8").replace("Completed by", "Who completed this?"),
        encoding="utf-8",
    )
    result = sync(workspace)
    assert result.as_json()["failed_forms"] == ["audit"]
    assert read_tab(workspace, "Audit responses") == []
    assert len(read_tab(workspace, "EOI responses")) > 0  # the other forms carry on
    problems = read_tab(workspace, "Needs review")
    assert any("`Completed by`" in str(p["Reason"]) for p in problems)
    cfg = workspace / "sos-sync.toml"
    cfg.write_text(
        cfg.read_text().replace(
            "[forms.audit.questions]",
            '[forms.audit.questions]\ncontact_name = "Who completed this?"',
        )
    )
    result = sync(workspace)
    assert result.as_json()["failed_forms"] == []
    assert len(read_tab(workspace, "Audit responses")) == 7


def test_needs_review_rows_say_what_and_why(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    problems = read_tab(workspace, "Needs review")
    reasons = {str(p["Reason"]) for p in problems}
    joined = "\n".join(reasons)
    assert (
        "`Sometimes` for L2 rating is not one of Not started / Developing / Established / Embedded"
        in joined
    )
    amb = next(p for p in problems if "more than one known school" in str(p["Reason"]))
    assert "131013 Holy Trinity CE Primary School" in str(amb["Candidates"])
    assert "131014 Holy Trinity Catholic Primary School" in str(amb["Candidates"])
    mismatch = next(p for p in problems if "belongs to `Canal Side Academy`" in str(p["Reason"]))
    assert mismatch["School"] == "Oak Tree Academy" and mismatch["URN"] == "131003"
    assert all(p["Status"] == "Open" and p["Raised on"] for p in problems)
    # a school matched by name alone joins without a problem
    catchups = read_tab(workspace, "Catch-up requests")
    stm = next(c for c in catchups if c["School"] == "St Marys R.C. Primary")
    assert stm["URN"] == "131004" and stm["Status"] == "OK"


def test_demo_schools_reach_every_step(workspace: Path, sync: Sync) -> None:
    from sos_sync.ops.demo import _seed_lead_entries

    _seed_lead_entries(workspace / "tracker.xlsx")
    result = sync(workspace)
    assert all(n > 0 for n in result.by_step.values())
    schools = by_key(read_tab(workspace, "Schools"), "URN")
    assert (
        schools["131008"]["Step"] == 5
        and schools["131008"]["Notes"] == "Renewal meeting pencilled for September."
    )
    assert schools["131007"]["Stage"] == "Awarded"
    assert schools["131005"]["Next action"] == "Local lead to review the draft"
    assert schools["131002"]["Stalled"] == "Yes"
    assert schools["131010"]["Contact email"] is None  # an invalid e-mail never becomes the contact


def test_dry_run_writes_nothing(workspace: Path, sync: Sync) -> None:
    result = sync(workspace, dry_run=True)
    assert result.cells > 0
    assert not (workspace / "tracker.xlsx").exists()
    assert not (workspace / "state").exists()


def test_dashboard_has_counts_and_a_chart(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    dash = by_key(read_tab(workspace, "Dashboard"), "Measure")
    assert sum(int(dash[f"Step {s}"]["Value"]) for s in range(1, 6)) == int(
        dash["Schools"]["Value"]
    )  # type: ignore[call-overload]
    with zipfile.ZipFile(workspace / "tracker.xlsx") as z:
        charts = [n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml", n)]
    assert charts
