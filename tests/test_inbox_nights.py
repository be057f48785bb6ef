"""Whole nights on the local backend with exports as people really leave them (issue 11).

A later night with the export renamed to what Google downloads, zipped, re-saved in
Excel or exported from Microsoft Forms changes nothing; a missing inbox folder stops the
run before any write; a form whose export is missing, empty, headers-only or cut short
fails closed and says so; an upgrade from the ids of older versions doubles nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from helpers import TODAY, read_tab, tracker_values
from test_inbox import excel_time, ms_forms_workbook, rows_of, write_rows

from sos_sync.backends.base import ResponsesRead
from sos_sync.backends.local.backend import LocalBackend
from sos_sync.config.load import load_config
from sos_sync.domain.forms import FORM_KINDS
from sos_sync.errors import ConfigError
from sos_sync.run.sync import run_sync

NEXT = TODAY + dt.timedelta(days=1)


def night(ws: Path, today: dt.date = NEXT) -> dict[str, object]:
    return run_sync(ws, today).as_json()


def everything(ws: Path) -> dict[str, object]:
    """Every tab but the Run log (which gains a row a night), and every letter's bytes."""
    tabs = {k: v for k, v in tracker_values(ws).items() if k not in ("Run log", "Dashboard")}
    docs = {p.name: p.read_bytes() for p in sorted((ws / "docs").glob("*.docx"))}
    return {"tabs": tabs, "docs": docs}


# ---------------------------------------------------------------- renamed, zipped, re-saved


@pytest.mark.parametrize("how", ["google-name", "zip"])
def test_a_renamed_or_zipped_export_on_a_later_night_changes_nothing(
    workspace: Path, how: str
) -> None:
    night(workspace, TODAY)
    before = everything(workspace)
    inbox = workspace / "inbox"
    if how == "zip":
        with zipfile.ZipFile(inbox / "Expression of interest.csv.zip", "w") as z:
            z.write(inbox / "eoi.csv", "Expression of interest (Responses).csv")
        (inbox / "eoi.csv").unlink()
    else:
        (inbox / "eoi.csv").rename(inbox / "Expression of interest (Responses).csv")
    result = night(workspace)
    assert result["failed_forms"] == []
    assert result["writes"] == 0, result
    assert everything(workspace) == before


def test_the_excel_round_trip_is_the_same_responses(workspace: Path) -> None:
    """Every export re-saved by Excel: Windows-1252, `20/06/2025 10:00` timestamps."""
    first = night(workspace, TODAY)
    config = load_config(workspace)
    for kind in FORM_KINDS:
        path = workspace / "inbox" / config.forms[kind].inbox_file
        rows = rows_of(path)
        write_rows(path, [rows[0]] + [[excel_time(r[0]), *r[1:]] for r in rows[1:]], "cp1252")
        assert b"\x96" in path.read_bytes() or kind != "eoi"  # the en dash, as Windows-1252
    second = night(workspace)
    print(f"\nExcel round trip: night 1 {first['responses']}, night 2 {second['responses']}")
    assert second["responses"] == {"new": 0, "updated": 0, "needs_review": 0}
    assert second["writes"] == 0
    text = repr(tracker_values(workspace))
    assert "�" not in text and "Not yet – planning to" in text


def test_two_different_signups_alike_in_time_school_and_urn_both_land(workspace: Path) -> None:
    path = workspace / "inbox" / "signups.csv"
    rows = rows_of(path)
    h = rows[0]
    blank = {"Email Address": "", "Your email": ""}
    one = dict(zip(h, rows[1], strict=True), **blank, **{"Your name": "First Teacher"})
    two = dict(one, **{"Your name": "Second Teacher"})
    write_rows(path, [h, [one[c] for c in h], [two[c] for c in h], *rows[2:]])
    night(workspace, TODAY)
    names = [r["Attendee name"] for r in read_tab(workspace, "Event sign-ups")]
    assert "First Teacher" in names and "Second Teacher" in names


# ---------------------------------------------------------------- failing closed


def test_a_missing_inbox_folder_stops_the_run_before_any_write(workspace: Path) -> None:
    (workspace / "inbox").rename(workspace / "inbox-old")
    with pytest.raises(ConfigError, match="does not exist"):
        run_sync(workspace, TODAY)
    assert not (workspace / "tracker.xlsx").exists()
    p = subprocess.run(
        [sys.executable, "-c", "from sos_sync.cli.main import main; main()"]
        + ["sync", "-w", str(workspace), "--today", TODAY.isoformat()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 2, p.stderr
    said = " ".join(p.stderr.split())
    assert "The inbox folder" in said and "does not exist" in said and "nothing was written" in said
    assert not (workspace / "tracker.xlsx").exists()


def test_a_headers_only_export_on_a_first_night_is_reported_as_failed(workspace: Path) -> None:
    path = workspace / "inbox" / "catchups.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\r\n", encoding="utf-8")
    result = night(workspace, TODAY)
    assert result["failed_forms"] == ["catchup"]
    problems = read_tab(workspace, "Needs review")
    assert any(
        "catchups.csv" in str(p["Reason"]) and "no responses" in str(p["Reason"]) for p in problems
    )


def _cut_short(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b",", 0, len(data) - 40)])


DAMAGE = {
    "removed": lambda p: p.unlink(),
    "emptied": lambda p: p.write_bytes(b""),
    "headers-only": lambda p: p.write_bytes(p.read_bytes().split(b"\r\n")[0] + b"\r\n"),
    "cut-short": _cut_short,
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_export_on_a_later_night_fails_its_form_and_says_so(
    workspace: Path, damage: str
) -> None:
    """What the reader owes: the form is failed, with a reason naming the file."""
    night(workspace, TODAY)
    DAMAGE[damage](workspace / "inbox" / "eoi.csv")
    result = night(workspace)
    assert result["failed_forms"] == ["eoi"]
    problems = [p for p in read_tab(workspace, "Needs review") if "eoi.csv" in str(p["Reason"])]
    assert problems, "the failed form has a Needs review row naming the export"


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_export_on_a_later_night_regresses_nothing(workspace: Path, damage: str) -> None:
    night(workspace, TODAY)
    before = everything(workspace)
    problems_before = len(read_tab(workspace, "Needs review"))
    DAMAGE[damage](workspace / "inbox" / "eoi.csv")
    result = night(workspace)
    assert result["failed_forms"] == ["eoi"]
    after = everything(workspace)
    for tab in before["tabs"]:  # type: ignore[union-attr]
        if tab != "Needs review":
            assert after["tabs"][tab] == before["tabs"][tab], tab  # type: ignore[index]
    assert after["docs"] == before["docs"]  # no letter regenerated
    assert len(read_tab(workspace, "Needs review")) == problems_before + 1  # the failed form


# ---------------------------------------------------------------- upgrades and Microsoft Forms


class _OlderVersion:
    """The inbox as versions before ids from meaning read it: keyed by the raw-text hash."""

    def __init__(self, backend: LocalBackend) -> None:
        self.source = backend.source

    def read_responses(self) -> ResponsesRead:
        read = self.source.read_responses()
        for kind, raws in read.responses.items():
            read.responses[kind] = [
                replace(r, response_id=r.aliases[0], aliases=()) if r.aliases else r for r in raws
            ]
        return read

    def commit(self) -> None:
        self.source.commit()


def test_a_workspace_synced_by_an_older_version_gains_no_duplicates(workspace: Path) -> None:
    config = load_config(workspace)
    backend = LocalBackend(config)
    backend.source = _OlderVersion(backend)  # type: ignore[assignment]
    run_sync(workspace, TODAY, backend=backend, config=config)  # type: ignore[arg-type]
    before = tracker_values(workspace)
    old_ids = {str(r["Response ID"]) for r in read_tab(workspace, "EOI responses")}
    second = night(workspace)
    assert second["responses"] == {"new": 0, "updated": 0, "needs_review": 0}
    assert second["writes"] == 0
    assert {str(r["Response ID"]) for r in read_tab(workspace, "EOI responses")} == old_ids
    assert {k: v for k, v in tracker_values(workspace).items() if k != "Run log"} == {
        k: v for k, v in before.items() if k != "Run log"
    }


def _without_ids(ws: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every tab with response ids (and what is keyed by them) blanked, rows sorted."""
    wb = openpyxl.load_workbook(ws / "tracker.xlsx")
    out = {}
    for name in wb.sheetnames:
        if name in ("Run log", "Dashboard"):
            continue
        rows = [list(r) for r in wb[name].iter_rows(values_only=True)]
        header = rows[0] if rows else []
        blank = [
            i for i, h in enumerate(header) if h in ("Response ID", "Problem ID", "Response or row")
        ]
        for r in rows[1:]:
            for i in blank:
                r[i] = None
        out[name] = [tuple(header)] + sorted((tuple(r) for r in rows[1:]), key=repr)
    return out


def test_microsoft_forms_workbooks_sync_to_the_same_tracker_as_google_csvs(
    workspace: Path, tmp_path: Path
) -> None:
    from sos_sync.ops.sample import write_demo_inbox
    from sos_sync.ops.workspace import init_workspace

    ms = init_workspace(tmp_path / "ms", example="coventry")
    config = load_config(ms)
    google = tmp_path / "google-exports"
    google.mkdir()
    write_demo_inbox(google, config)
    for kind in FORM_KINDS:
        spec = config.forms[kind]
        xlsx = ms_forms_workbook(config, kind, rows_of(google / spec.inbox_file))
        (
            ms / "inbox" / f"{spec.label}(1-{len(rows_of(google / spec.inbox_file)) - 1}).xlsx"
        ).write_bytes(xlsx)
    a, b = night(workspace, TODAY), night(ms, TODAY)
    assert b["failed_forms"] == [] and b["responses"] == a["responses"], (a, b)
    assert _without_ids(ms) == _without_ids(workspace)
    ids = [r["Response ID"] for r in read_tab(ms, "EOI responses")]
    assert ids and all(str(i).startswith("ms-") for i in ids)
    assert night(ms)["writes"] == 0  # and a second night is quiet


def test_an_unreadable_byte_never_becomes_a_replacement_character(workspace: Path) -> None:
    path = workspace / "inbox" / "eoi.csv"
    rows = rows_of(path)
    rows[1][rows[0].index("School name")] = "École Sainte-Thérèse"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("cp1252"))
    night(workspace, TODAY)
    schools = repr(tracker_values(workspace))
    assert "École Sainte-Thérèse" in schools and "�" not in schools
