"""`diff_tab` as a table: what the sync finds, remembers and wants -> what it writes or reports.

Values are compared as values (a date cell and the same date as text are one value; a
count read back as `7` is the `7` the sync wrote), form text exactly, never as a number.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sos_sync.tracker.diff import diff_tab
from sos_sync.tracker.table import Column, TabData, TabSpec, same_value, typed_value

TODAY = dt.date(2025, 7, 14)
SPEC = TabSpec(
    "T",
    "Key",
    (
        Column("Key"),
        Column("Name", "form"),
        Column("Count", "int"),
        Column("When", "date"),
        Column("At", "datetime"),
        Column("Raised", "date", write_once=True),
        Column("Notes", owner="lead"),
        Column("Updated", "date", stamp=True),
    ),
)
HEADER = list(SPEC.headers)


def _tab(**found: str) -> TabData:
    row = {h: "" for h in HEADER} | {"Key": "k"} | found
    return TabData(HEADER, [[row[h] for h in HEADER]])


# (case, found in the cell, the sync's memory of it, what it wants, written?, problem?)
CASES = [
    ("empty cell is written", {"Name": ""}, {}, {"Name": "Oak"}, {"Name": "Oak"}, False),
    (
        "own value is updated",
        {"Name": "Oak"},
        {"Name": "Oak"},
        {"Name": "Elm"},
        {"Name": "Elm"},
        False,
    ),
    ("typed value is kept", {"Name": "Ash"}, {"Name": "Oak"}, {"Name": "Elm"}, {}, True),
    ("typed value equal to wanted", {"Name": "Elm"}, {}, {"Name": "Elm"}, {}, False),
    ("own value cleared", {"Count": "3"}, {"Count": "3"}, {"Count": ""}, {"Count": ""}, False),
    ("count read as a number", {"Count": "7"}, {"Count": "7"}, {"Count": "7"}, {}, False),
    (
        "date read as a date",
        {"When": "2025-07-01"},
        {"When": "2025-07-01"},
        {"When": "2025-07-01"},
        {},
        False,
    ),
    (
        "datetime without seconds",
        {"At": "2025-07-01 10:00:00"},
        {"At": "2025-07-01 10:00"},
        {"At": "2025-07-01 10:00"},
        {},
        False,
    ),
    (
        "datetime at midnight reads as a date",
        {"At": "2025-07-01"},
        {"At": "2025-07-01 00:00"},
        {"At": "2025-07-02 09:00"},
        {"At": "2025-07-02 09:00"},
        False,
    ),
    ("form text is never a number", {"Name": "7.0"}, {"Name": "7"}, {"Name": "8"}, {}, True),
    (
        "write-once cell stays",
        {"Raised": "2025-07-01"},
        {"Raised": "2025-07-01"},
        {"Raised": "2025-07-14"},
        {},
        False,
    ),
    ("typed count over the sync's", {"Count": "9"}, {"Count": "7"}, {"Count": "8"}, {}, True),
]


@pytest.mark.parametrize(
    ("found", "remembered", "wanted", "writes", "problem"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_diff_tab(
    found: dict[str, str],
    remembered: dict[str, str],
    wanted: dict[str, str],
    writes: dict[str, str],
    problem: bool,
) -> None:
    d = diff_tab(SPEC, _tab(**found), {"k": {"Key": "k", **wanted}}, {"k": remembered}, {}, TODAY)
    got = {c.column: c.value for r in d.plan.rows for c in r.cells if c.column != "Updated"}
    assert got == writes
    assert bool([p for p in d.problems if p.code == "typed_over"]) == problem
    stamped = any(c.column == "Updated" for r in d.plan.rows for c in r.cells)
    assert stamped == bool(writes)


def test_pending_write_of_a_killed_run_is_the_syncs_own() -> None:
    d = diff_tab(
        SPEC,
        _tab(Name="Elm"),
        {"k": {"Name": "Ash"}},
        {"k": {"Name": "Oak"}},
        {"k": {"Name": "Elm"}},
        TODAY,
    )
    assert [c.value for r in d.plan.rows for c in r.cells if c.column == "Name"] == ["Ash"]
    assert not d.problems


@pytest.mark.parametrize(
    ("found", "remembered", "pending", "memory_after"),
    [
        # the sync's own, as it wants it: nothing to write or to remember anew
        ({"Name": "Oak"}, {"Key": "k", "Name": "Oak"}, {}, {"Key": "k", "Name": "Oak"}),
        # what a killed run wrote, found as wanted: the sync's own from now on
        (
            {"Name": "Elm"},
            {"Key": "k", "Name": "Oak"},
            {"Name": "Elm"},
            {"Key": "k", "Name": "Elm"},
        ),
        # a person typed the very value wanted: it stays theirs
        ({"Name": "Elm"}, {"Key": "k"}, {}, {"Key": "k"}),
        ({"Name": "Elm"}, {"Key": "k", "Name": "Oak"}, {}, {"Key": "k", "Name": "Oak"}),
    ],
)
def test_what_the_sync_remembers_of_a_row_it_finds_as_wanted(
    found: dict[str, str],
    remembered: dict[str, str],
    pending: dict[str, str],
    memory_after: dict[str, str],
) -> None:
    want = {"Key": "k", "Name": found["Name"], "Count": ""}
    d = diff_tab(SPEC, _tab(**found), {"k": want}, {"k": remembered}, {"k": pending}, TODAY)
    assert not d.plan.rows
    assert d.memory == {"k": memory_after}


@pytest.mark.parametrize("recreate", [True, False])
def test_a_deleted_row(recreate: bool) -> None:
    spec = TabSpec(SPEC.name, SPEC.key, SPEC.columns, recreate_deleted=recreate)
    d = diff_tab(
        spec,
        TabData(HEADER, []),
        {"k": {"Key": "k", "Name": "Oak"}},
        {"k": {"Name": "Oak"}},
        {},
        TODAY,
    )
    assert bool(d.plan.rows) == recreate
    assert bool([p for p in d.problems if p.code == "row_deleted"]) == recreate


def test_duplicate_keys_are_reported_once() -> None:
    tab = TabData(HEADER, [["k"] + [""] * 7, ["k"] + [""] * 7, ["k"] + [""] * 7])
    d = diff_tab(SPEC, tab, {}, {}, {}, TODAY)
    assert [p.code for p in d.problems] == ["duplicate_row"]


@pytest.mark.parametrize(
    ("kind", "text", "typed"),
    [
        ("int", "7", 7),
        ("int", "007", "007"),  # would read back as 7: stays text
        ("int", "7.5", "7.5"),
        ("auto", "2025-07-14", dt.date(2025, 7, 14)),
        ("auto", "14", 14),
        ("date", "2025-02-30", "2025-02-30"),
        ("datetime", "2025-07-14 10:00", dt.datetime(2025, 7, 14, 10)),
        ("datetime", "on request", "on request"),
        ("form", "2025-07-14", "2025-07-14"),
        ("form", "=1+1", "=1+1"),
        ("text", "7", "7"),
    ],
)
def test_typed_value(kind: str, text: str, typed: object) -> None:
    assert typed_value(kind, text) == typed  # type: ignore[arg-type]
    assert type(typed_value(kind, text)) is type(typed)  # type: ignore[arg-type]


def test_same_value_compares_values_not_text() -> None:
    assert same_value("int", "7", "7")
    assert same_value("datetime", "2025-07-14 10:00:00", "2025-07-14 10:00")
    assert not same_value("form", "7.0", "7")
    assert not same_value("text", "2025-07-14 10:00:00", "2025-07-14 10:00")
