"""The first night's rows written straight into the worksheet parts (`workbook/bulk.py`):
every value reads back as itself, text that looks like a formula stays text, numbers and
dates are numbers and dates, and wrapped text gets a taller row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from sos_sync.backends.local.workbook import bulk
from sos_sync.backends.local.workbook.first import write_first
from sos_sync.tracker.table import CellWrite, Column, RowWrite, TabPlan, TabSpec

SPEC = TabSpec(
    "Things",
    "Key",
    (
        Column("Key"),
        Column("Answer", "form"),
        Column("Count", "int"),
        Column("Day", "date"),
        Column("Note", "text"),
    ),
)

TRICKY = [
    "=SUM(A1:A2)",
    "+44 24 7683 1000",
    "-",
    "@home",
    "Fish & chips <b>",
    "_x0041_ stays as typed",
    "tab\there, line\nbreak and a\rreturn",
    "ends with spaces  ",
    "Zoë – café “quoted”",
]


def _plan() -> TabPlan:
    rows = []
    for i, text in enumerate(TRICKY):
        cells = (
            CellWrite("Key", f"k{i}", "text"),
            CellWrite("Answer", text, "form"),
            CellWrite("Count", str(i), "int"),
            CellWrite("Day", f"2025-07-{i + 1:02d}", "date"),
            CellWrite("Note", text, "text"),
        )
        rows.append(RowWrite(f"k{i}", cells, new=True))
    long = "word " * 400
    rows.append(
        RowWrite(
            "long", (CellWrite("Key", "long", "text"), CellWrite("Note", long, "text")), new=True
        )
    )
    return TabPlan("Things", "Key", (), tuple(rows))


@pytest.mark.parametrize("rows_a_chunk", [2000, 3])  # the sheet deflated a few rows at a time
def test_every_value_reads_back_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows_a_chunk: int
) -> None:
    monkeypatch.setattr(bulk, "_ROWS_A_CHUNK", rows_a_chunk)
    path = tmp_path / "t.xlsx"
    plan = _plan()
    assert write_first(path, [SPEC], {"Things": plan}, (), 90) == plan.cell_count
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Things").to_python()
    header = rows[0]
    got = {r[header.index("Key")]: r for r in rows[1:]}
    for i, text in enumerate(TRICKY):
        row = got[f"k{i}"]
        assert row[header.index("Answer")] == text
        assert row[header.index("Note")] == text
        assert row[header.index("Count")] == i
        day = row[header.index("Day")]
        assert (day.date() if isinstance(day, dt.datetime) else day) == dt.date(2025, 7, i + 1)
    assert got["long"][header.index("Note")] == "word " * 400
    assert [r[header.index("Key")] for r in rows[1:]] == [f"k{i}" for i in range(9)] + ["long"]

    sheet = openpyxl.load_workbook(path)["Things"]
    cols = {c.value: c.column for c in sheet[1]}
    for r in range(2, 2 + len(TRICKY)):
        answer = sheet.cell(r, cols["Answer"])
        assert answer.data_type == "s" and answer.quotePrefix  # form text: never a formula
        note = sheet.cell(r, cols["Note"])
        assert note.data_type == "s"
        assert note.quotePrefix == note.value.startswith(("=", "+", "-", "@"))
        assert sheet.cell(r, cols["Day"]).is_date
    long_row = 2 + len(TRICKY)
    assert (sheet.row_dimensions[long_row].height or 0) > 15  # wrapped onto more lines
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.endswith(str(long_row))
