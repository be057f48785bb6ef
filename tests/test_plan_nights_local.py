"""Defect 4 of issue 17 on a real local workspace: the same responses over two nights end
in the same tracker, calendar and documents as one run over all of them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from helpers import TODAY, config_of, read_tab, tracker_values

from sos_sync.domain.forms import FormKind
from sos_sync.ops.sample import LONDON, forms_timestamp, write_export
from sos_sync.ops.workspace import init_workspace
from sos_sync.run.sync import run_sync

Row = tuple[FormKind, dict[str, str]]


def _row(kind: FormKind, day: dt.date, school: str, urn: str, **answers: str) -> Row:
    ts = forms_timestamp(dt.datetime(day.year, day.month, day.day, 9, tzinfo=LONDON))
    email = f"staff@{urn or 'x'}.example.sch.uk"
    return kind, {"_ts": ts, "_email": email, "school": school, "urn": urn, **answers}


def _eoi(day: dt.date, school: str, urn: str, name: str) -> Row:
    return _row(
        "eoi",
        day,
        school,
        urn,
        contact_name=name,
        contact_email=f"{name.split()[0].lower()}@{urn}.example.sch.uk",
        pledge="Yes",
        slt="Yes",
        newsletter="Yes",
        consent="I agree",
    )


def _inbox(ws: Path) -> tuple[list[Row], list[Row]]:
    codes = [c.code for c in config_of(ws).criteria]
    ratings = {f"rating_{c}": "Developing" for c in codes}
    d = dt.date
    night1 = [
        _row("audit", d(2025, 2, 1), "Spon End Junior School", "901601", **ratings),
        _eoi(d(2025, 1, 10), "Alder Brook Primary School", "141001", "Ann Old"),
        _row(
            "application",
            d(2025, 2, 10),
            "Alder Brook Primary School",
            "",
            stage="Draft application",
        ),
        _row("signup", d(2025, 3, 5), "Cedar Vale Academy", "141003", events=""),
    ]
    night2 = [
        _eoi(d(2025, 3, 1), "Stivichall Grange Community Primary School", "901601", "Sue Late"),
        _eoi(d(2025, 4, 10), "Alder Brook Academy", "141001", "Ann New"),
        _row(
            "application", d(2025, 2, 5), "Cedar Vale Academy Trust", "141003", stage="Action plan"
        ),
    ]
    return night1, night2


def _write(ws: Path, rows: list[Row]) -> None:
    config = config_of(ws)
    for kind in ("eoi", "audit", "signup", "application", "catchup"):
        spec = config.forms[kind]  # type: ignore[index]
        write_export(ws / "inbox" / spec.inbox_file, spec, [r for k, r in rows if k == kind])


def _outcome(ws: Path) -> dict[str, object]:
    values = tracker_values(ws)
    for name in ("Run log", "Dashboard"):
        values.pop(name)
    header, *rows = values["Needs review"]  # open rows only: a split night also clears some
    values["Needs review"] = [header, *(r for r in rows if r[header.index("Status")] == "Open")]
    docs = (
        sorted(p.name for p in (ws / "documents").rglob("*.docx"))
        if (ws / "documents").exists()
        else []
    )
    ics = (
        (ws / "calendar.ics").read_text(encoding="utf-8") if (ws / "calendar.ics").exists() else ""
    )
    namespace = config_of(ws).raw.local.calendar_uid_namespace  # random per workspace
    if namespace:
        ics = ics.replace(namespace, "<namespace>")
    stable = [
        line
        for line in ics.splitlines()
        if not line.startswith(("DTSTAMP", "LAST-MODIFIED", "CREATED"))
    ]
    return {"tracker": values, "documents": docs, "calendar": stable}


def test_two_nights_end_as_one_run(tmp_path: Path) -> None:
    one = init_workspace(tmp_path / "one", example="coventry")
    two = init_workspace(tmp_path / "two", example="coventry")
    night1, night2 = _inbox(one)
    _write(one, night1 + night2)
    run_sync(one, TODAY)
    _write(two, night1)
    run_sync(two, TODAY)
    _write(two, night1 + night2)
    run_sync(two, TODAY)
    assert _outcome(two) == _outcome(one)
    schools = {str(r["URN"]): r for r in read_tab(one, "Schools")}
    assert (
        schools["901601"]["School"] == "Spon End Junior School"
    )  # the earliest response claims it
    assert (
        schools["141003"]["School"] == "Cedar Vale Academy Trust"
    )  # named by its earliest response
    assert (schools["141001"]["School"], schools["141001"]["Contact name"]) == (
        "Alder Brook Academy",
        "Ann New",
    )
    assert [r["Review key"] for r in read_tab(one, "Reviews")] == ["141001:draft"]
    assert run_sync(two, TODAY).writes == 0
