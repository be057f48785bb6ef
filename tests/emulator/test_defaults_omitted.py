"""Sheets JSON as Google prints it: default values left out, a mask naming `sheets.data` gets grid data."""

from __future__ import annotations

from typing import Any

import gspread

from sos_sync.emulator.cells import NOT_EMULATED
from sos_sync.emulator.client import EmulatorAdmin


def _protect(sheets_api: Any, sid: str) -> None:
    sheets_api.spreadsheets().batchUpdate(
        spreadsheetId=sid,
        body={
            "requests": [
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                            "description": "",
                            "warningOnly": False,
                            "editors": {"users": []},
                        }
                    }
                }
            ]
        },
    ).execute()


def test_defaults_are_left_out_but_a_sheets_own_id_and_index_stay(
    admin: EmulatorAdmin, sheets_api: Any
) -> None:
    admin.create_spreadsheet("T", "s0", sheets=["First", "Second"])
    _protect(sheets_api, "s0")
    got = sheets_api.spreadsheets().get(spreadsheetId="s0").execute()
    first = got["sheets"][0]
    assert first["properties"]["sheetId"] == 0 and first["properties"]["index"] == 0
    assert "frozenRowCount" not in first["properties"]["gridProperties"]
    assert "hidden" not in first["properties"]
    protected = first["protectedRanges"][0]
    assert "warningOnly" not in protected and "description" not in protected
    assert protected["range"] == {"endRowIndex": 1}  # sheetId 0 and startRowIndex 0 left out
    assert got["sheets"][1]["properties"]["index"] == 1


def test_an_empty_range_has_no_values_and_a_zero_cell_keeps_its_value(
    admin: EmulatorAdmin, sheets_api: Any, gc: gspread.Client
) -> None:
    admin.create_spreadsheet("T", "s1")
    values = sheets_api.spreadsheets().values()
    empty = values.get(spreadsheetId="s1", range="Sheet1!A1:B2").execute()
    assert "values" not in empty and empty["range"].startswith("Sheet1!A1")
    gc.open_by_key("s1").sheet1.update([[0, False, ""]], "A1", raw=False)
    got = sheets_api.spreadsheets().get(spreadsheetId="s1", includeGridData=True).execute()
    cells = got["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert cells[0]["effectiveValue"] == {"numberValue": 0}  # a oneof member: printed at 0
    assert cells[1]["effectiveValue"] == {"boolValue": False}
    assert gc.open_by_key("s1").sheet1.get_all_values()[0][:2] == ["0", "FALSE"]


def test_a_fields_mask_naming_sheets_data_returns_grid_data(
    admin: EmulatorAdmin, sheets_api: Any, gc: gspread.Client
) -> None:
    admin.create_spreadsheet("T", "s2")
    gc.open_by_key("s2").sheet1.update([["a", "b"]], "A1")
    book = sheets_api.spreadsheets()
    masked = book.get(spreadsheetId="s2", fields="sheets.data.rowData.values.formattedValue")
    rows = masked.execute()["sheets"][0]["data"][0]["rowData"]
    assert [c["formattedValue"] for c in rows[0]["values"]] == ["a", "b"]
    props = book.get(spreadsheetId="s2", fields="sheets.properties").execute()
    assert "data" not in props["sheets"][0]
    ignored = book.get(spreadsheetId="s2", includeGridData=True, fields="sheets.properties")
    assert "data" not in ignored.execute()["sheets"][0]  # the mask wins
    assert "data" not in book.get(spreadsheetId="s2").execute()["sheets"][0]


def test_formulas_the_emulator_cannot_compute_are_marked_not_emulated(
    admin: EmulatorAdmin, gc: gspread.Client
) -> None:
    admin.create_spreadsheet("T", "s3")
    sheet = gc.open_by_key("s3").sheet1
    sheet.update(
        [
            [
                "=1+2",
                '=SORT(FILTER(A2:A, LEFT(A2:A, 5)="Step "))',
                "=SORTT(A2:A)",
                '=HYPERLINK("u","x")',
            ]
        ],
        "A1",
        raw=False,
    )
    assert sheet.get_all_values()[0] == ["3", NOT_EMULATED, "#NAME?", "x"]
