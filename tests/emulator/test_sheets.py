"""Sheets v4 through the real gspread: values, ranges, appends, structure, metadata, errors."""

from __future__ import annotations

from typing import Any

import gspread
import pytest
from gspread.utils import ValidationConditionType

from sos_sync.emulator.client import EmulatorAdmin

SID = "tracker-0001"


@pytest.fixture
def book(admin: EmulatorAdmin, gc: gspread.Client) -> gspread.Spreadsheet:
    admin.create_spreadsheet(
        "Tracker", SID, sheets=["Schools", "Form Responses 1", "O'Brien: notes"]
    )
    return gc.open_by_key(SID)


def test_open_by_key_and_worksheets(book: gspread.Spreadsheet) -> None:
    assert book.title == "Tracker"
    assert [w.title for w in book.worksheets()] == ["Schools", "Form Responses 1", "O'Brien: notes"]
    assert book.sheet1.row_count == 1000 and book.sheet1.col_count == 26


def test_open_by_title_goes_through_drive(book: gspread.Spreadsheet, gc: gspread.Client) -> None:
    assert gc.open("Tracker").id == SID
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open("No such tracker")


def test_missing_spreadsheet_is_not_found(gc: gspread.Client) -> None:
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open_by_key("nope")


def test_raw_keeps_text_user_entered_parses(book: gspread.Spreadsheet) -> None:
    ws = book.worksheet("Schools")
    ws.update([["=1+1", "0123", "2024-05-19", "TRUE"]], "A1")  # gspread default: RAW
    ws.update([["=1+1", "0123", "2020-01-01", "TRUE", 53]], "A2", raw=False)
    assert ws.get_all_values() == [
        ["=1+1", "0123", "2024-05-19", "TRUE", ""],  # gspread pads rows
        ["2", "123", "2020-01-01", "TRUE", "53"],
    ]
    unformatted = ws.get("A2:E2", value_render_option="UNFORMATTED_VALUE")
    assert unformatted == [[2, 123, 43831, True, 53]]
    formulas = ws.get("A1:A2", value_render_option="FORMULA")
    assert formulas == [["=1+1"], ["=1+1"]]
    ws.update_acell("F1", '=HYPERLINK("https://x.org","site")')
    assert ws.acell("F1").value == "site"
    assert ws.acell("F1", value_render_option="FORMULA").value.startswith("=HYPERLINK")


def test_sheet_names_needing_quotes_round_trip(book: gspread.Spreadsheet) -> None:
    ws = book.worksheet("O'Brien: notes")
    reply = ws.update([["a", "b"]], "B2")
    assert reply["updatedRange"] == "'O''Brien: notes'!B2:C2"
    responses = book.worksheet("Form Responses 1")
    responses.update([["Timestamp"]], "A1")
    assert responses.get_all_values() == [["Timestamp"]]
    assert book.values_get("'O''Brien: notes'")["values"] == [[], ["", "a", "b"]]


def test_ranges_are_normalised_and_trimmed(book: gspread.Spreadsheet, sheets_api: Any) -> None:
    book.sheet1.update([["a", "", "c", ""], ["", "", "", ""], ["x"]], "A1")
    values = sheets_api.spreadsheets().values()
    whole = values.get(spreadsheetId=SID, range="Schools").execute()
    assert whole == {
        "range": "Schools!A1:Z1000",
        "majorDimension": "ROWS",
        "values": [["a", "", "c"], [], ["x"]],
    }
    column = values.get(spreadsheetId=SID, range="Schools!A:A").execute()
    assert column["range"] == "Schools!A1:A1000"
    row = values.get(spreadsheetId=SID, range="Schools!A2:2").execute()
    assert row == {"range": "Schools!A2:Z2", "majorDimension": "ROWS"}  # no `values` when empty
    cell = values.get(spreadsheetId=SID, range="Schools!D4").execute()
    assert cell == {"range": "Schools!D4", "majorDimension": "ROWS"}
    cols = values.get(spreadsheetId=SID, range="A1:C3", majorDimension="COLUMNS").execute()
    assert cols["values"] == [["a", "", "x"], [], ["c"]]


def test_bad_range_is_400(book: gspread.Spreadsheet, sheets_api: Any) -> None:
    with pytest.raises(gspread.exceptions.APIError) as caught:
        book.values_get("'No such tab'!A1")
    assert caught.value.code == 400
    assert "Unable to parse range" in caught.value.error["message"]
    assert caught.value.error["status"] == "INVALID_ARGUMENT"
    with pytest.raises(gspread.exceptions.APIError) as beyond:
        book.values_get("Schools!A2000")
    assert "exceeds grid limits" in beyond.value.error["message"]


def test_write_outside_the_given_box_is_refused(book: gspread.Spreadsheet) -> None:
    with pytest.raises(gspread.exceptions.APIError) as caught:
        book.sheet1.update([["a"], ["b"], ["c"]], "A1:A2")
    assert caught.value.code == 400


def test_null_cells_are_skipped_and_empty_strings_clear(book: gspread.Spreadsheet) -> None:
    ws = book.sheet1
    ws.update([["a", "b", "c"]], "A1")
    book.values_update(
        "Schools!A1", params={"valueInputOption": "RAW"}, body={"values": [[None, "", "C"]]}
    )
    assert ws.get_all_values() == [["a", "", "C"]]
    assert book.values_get("Schools!A1:A2")["values"] == [["a"]]


def test_append_detects_the_table(book: gspread.Spreadsheet) -> None:
    ws = book.sheet1
    first = ws.append_rows([["x", "", "y"]])
    assert "tableRange" not in first and first["updates"]["updatedRange"] == "Schools!A1:C1"
    gap = ws.append_rows([["1", "2", "3"]])
    assert gap["tableRange"] == "Schools!C1" and gap["updates"]["updatedRange"] == "Schools!C2:E2"
    anchored = ws.append_rows([["p", "q", "r"]], table_range="A1")
    assert anchored["tableRange"] == "Schools!A1"
    assert anchored["updates"]["updatedRange"] == "Schools!A2:C2"


def test_append_insert_rows_grows_the_grid_and_shifts(book: gspread.Spreadsheet) -> None:
    ws = book.worksheet("Schools")
    ws.resize(rows=3)
    ws.update([["URN"], ["1"], ["2"]], "A1")
    ws.update([["below"]], "C3")
    reply = ws.append_rows([["3"], ["4"]], table_range="A1", insert_data_option="INSERT_ROWS")
    assert reply["updates"]["updatedRange"] == "Schools!A4:A5"
    ws = book.worksheet("Schools")
    assert ws.row_count == 5
    assert ws.col_values(1) == ["URN", "1", "2", "3", "4"]


def test_batch_get_and_values_batch_update(book: gspread.Spreadsheet) -> None:
    ws = book.sheet1
    reply = book.values_batch_update(
        {
            "valueInputOption": "RAW",
            "data": [
                {"range": "Schools!A1", "values": [["a", "b"]]},
                {"range": "'Form Responses 1'!B2", "values": [["c"]]},
            ],
        }
    )
    assert reply["totalUpdatedCells"] == 3 and reply["totalUpdatedSheets"] == 2
    got = ws.batch_get(["A1:B1", "C5"])
    assert [list(v) for v in got] == [[["a", "b"]], []]
    with pytest.raises(gspread.exceptions.APIError):
        book.values_batch_update({"data": [{"range": "Schools!A1", "values": [["x"]]}]})


def test_clear(book: gspread.Spreadsheet) -> None:
    ws = book.sheet1
    ws.update([["a", "b"], ["c", "d"]], "A1")
    assert book.values_clear("Schools!B1:B2")["clearedRange"] == "Schools!B1:B2"
    assert book.values_get("Schools")["values"] == [["a"], ["c"]]
    assert book.values_clear("Schools")["clearedRange"] == "Schools!A1:Z1000"
    assert "values" not in book.values_get("Schools")


def test_structure_requests(book: gspread.Spreadsheet) -> None:
    added = book.add_worksheet("Needs review", rows=10, cols=4)
    assert added.row_count == 10
    with pytest.raises(gspread.exceptions.APIError) as dup:
        book.add_worksheet("Needs review", rows=1, cols=1)
    assert "already exists" in dup.value.error["message"]
    added.update_title("Problems")
    book.batch_update(
        {
            "requests": [
                {
                    "updateSheetProperties": {
                        "properties": {
                            "sheetId": added.id,
                            "gridProperties": {"frozenRowCount": 1},
                        },
                        "fields": "gridProperties.frozenRowCount",
                    }
                },
                {"appendDimension": {"sheetId": added.id, "dimension": "ROWS", "length": 5}},
                {
                    "insertDimension": {
                        "range": {
                            "sheetId": added.id,
                            "dimension": "COLUMNS",
                            "startIndex": 0,
                            "endIndex": 2,
                        }
                    }
                },
                {
                    "repeatCell": {
                        "range": {"sheetId": added.id},
                        "cell": {"userEnteredFormat": {}},
                        "fields": "userEnteredFormat",
                    }
                },
                {
                    "autoResizeDimensions": {
                        "dimensions": {"sheetId": added.id, "dimension": "COLUMNS"}
                    }
                },
                {
                    "addChart": {
                        "chart": {"spec": {"title": "Steps"}, "position": {"newSheet": True}}
                    }
                },
            ]
        }
    )
    problems = book.worksheet("Problems")
    assert (problems.row_count, problems.col_count, problems.frozen_row_count) == (15, 6, 1)
    meta = book.fetch_sheet_metadata()
    assert any(s.get("charts") for s in meta["sheets"])
    book.del_worksheet(problems)
    assert "Problems" not in [w.title for w in book.worksheets()]


def test_batch_update_is_all_or_nothing(book: gspread.Spreadsheet) -> None:
    with pytest.raises(gspread.exceptions.APIError) as caught:
        book.batch_update(
            {
                "requests": [
                    {"addSheet": {"properties": {"title": "New"}}},
                    {"deleteSheet": {"sheetId": 424242}},
                ]
            }
        )
    assert caught.value.error["message"].startswith("Invalid requests[1].deleteSheet:")
    assert "New" not in [w.title for w in book.worksheets()]


def test_validation_conditional_format_and_protection(book: gspread.Spreadsheet) -> None:
    ws = book.sheet1
    ws.add_validation(
        "H2:H", ValidationConditionType.one_of_list, ["new", "done"], showCustomUi=True, strict=True
    )
    book.batch_update(
        {
            "requests": [
                {
                    "addConditionalFormatRule": {
                        "index": 0,
                        "rule": {
                            "ranges": [
                                {
                                    "sheetId": ws.id,
                                    "startRowIndex": 1,
                                    "startColumnIndex": 7,
                                    "endColumnIndex": 8,
                                }
                            ],
                            "booleanRule": {
                                "condition": {
                                    "type": "TEXT_EQ",
                                    "values": [{"userEnteredValue": "done"}],
                                },
                                "format": {"backgroundColor": {"red": 0.8}},
                            },
                        },
                    }
                }
            ]
        }
    )
    reply = ws.add_protected_range("A1:Z1", editor_users_emails=["lead@school.org"])
    protected = reply["replies"][0]["addProtectedRange"]["protectedRange"]
    ranges = book.list_protected_ranges(ws.id)
    assert [r["protectedRangeId"] for r in ranges] == [protected["protectedRangeId"]]
    assert "lead@school.org" in ranges[0]["editors"]["users"]
    assert book.fetch_sheet_metadata()["sheets"][0]["conditionalFormats"][0]["booleanRule"]
    ws.delete_protected_range(protected["protectedRangeId"])
    assert book.list_protected_ranges(ws.id) == []
    with pytest.raises(gspread.exceptions.APIError):
        ws.delete_protected_range(protected["protectedRangeId"])


def _search(gc: gspread.Client, **lookup: Any) -> dict[str, Any]:
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{SID}/developerMetadata:search"
    reply = gc.http_client.request(
        "post", url, json={"dataFilters": [{"developerMetadataLookup": lookup}]}
    )
    return reply.json()  # type: ignore[no-any-return]


def test_developer_metadata_follows_its_row(book: gspread.Spreadsheet, gc: gspread.Client) -> None:
    ws = book.sheet1
    reply = book.batch_update(
        {
            "requests": [
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {
                            "metadataKey": "sos.responseId",
                            "metadataValue": "R1",
                            "visibility": "DOCUMENT",
                            "location": {
                                "dimensionRange": {
                                    "sheetId": ws.id,
                                    "dimension": "ROWS",
                                    "startIndex": 4,
                                    "endIndex": 5,
                                }
                            },
                        }
                    }
                }
            ]
        }
    )
    created = reply["replies"][0]["createDeveloperMetadata"]["developerMetadata"]
    assert created["location"]["locationType"] == "ROW" and created["metadataId"]
    ws.insert_rows([["new"], ["rows"]], row=1)  # two rows above it
    found = _search(gc, metadataKey="sos.responseId")["matchedDeveloperMetadata"]
    assert found[0]["developerMetadata"]["location"]["dimensionRange"]["startIndex"] == 6
    assert _search(gc, metadataKey="sos.responseId", metadataValue="other") == {}
    book.batch_update(
        {
            "requests": [
                {
                    "deleteDimension": {
                        "range": {
                            "sheetId": ws.id,
                            "dimension": "ROWS",
                            "startIndex": 6,
                            "endIndex": 7,
                        }
                    }
                }
            ]
        }
    )
    assert _search(gc, metadataKey="sos.responseId") == {}


def test_delete_developer_metadata(book: gspread.Spreadsheet, gc: gspread.Client) -> None:
    book.batch_update(
        {
            "requests": [
                {
                    "createDeveloperMetadata": {
                        "developerMetadata": {
                            "metadataKey": "sos.version",
                            "metadataValue": "1",
                            "visibility": "DOCUMENT",
                            "location": {"spreadsheet": True},
                        }
                    }
                }
            ]
        }
    )
    assert book.fetch_sheet_metadata()["developerMetadata"][0]["metadataKey"] == "sos.version"
    reply = book.batch_update(
        {
            "requests": [
                {
                    "deleteDeveloperMetadata": {
                        "dataFilter": {"developerMetadataLookup": {"metadataKey": "sos.version"}}
                    }
                }
            ]
        }
    )
    assert len(reply["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]) == 1
    assert _search(gc, metadataKey="sos.version") == {}


def test_fields_filter_and_grid_data(book: gspread.Spreadsheet, sheets_api: Any) -> None:
    book.sheet1.update([["a", 1]], "A1")
    only = (
        sheets_api.spreadsheets().get(spreadsheetId=SID, fields="sheets.properties.title").execute()
    )
    assert only == {
        "sheets": [
            {"properties": {"title": t}} for t in ("Schools", "Form Responses 1", "O'Brien: notes")
        ]
    }
    data = (
        sheets_api.spreadsheets()
        .get(spreadsheetId=SID, includeGridData=True, ranges=["Schools!A1:B1"])
        .execute()
    )
    assert len(data["sheets"]) == 1
    cells = data["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert cells[1]["effectiveValue"] == {"numberValue": 1}


def test_googleapiclient_sheets_calls_use_encoded_ranges(
    book: gspread.Spreadsheet, sheets_api: Any
) -> None:
    values = sheets_api.spreadsheets().values()
    values.update(
        spreadsheetId=SID,
        range="'Form Responses 1'!A1:B1",
        valueInputOption="RAW",
        body={"values": [["Timestamp", "School name"]]},
    ).execute()
    appended = values.append(
        spreadsheetId=SID,
        range="'Form Responses 1'!A1",
        valueInputOption="RAW",
        insertDataOption="INSERT_ROWS",
        body={"values": [["2024-05-19", "Hill"]]},
    ).execute()
    assert appended["updates"]["updatedRange"] == "'Form Responses 1'!A2:B2"
    got = values.batchGet(
        spreadsheetId=SID, ranges=["'Form Responses 1'!A1:B2", "Schools!A1"]
    ).execute()
    assert got["valueRanges"][0]["values"][1] == ["2024-05-19", "Hill"]
    assert "values" not in got["valueRanges"][1]


def test_a_lead_sorting_rows_moves_cells(book: gspread.Spreadsheet) -> None:
    ws = book.sheet1
    ws.update(
        [["URN", "School"], ["300003", "C"], ["100001", "A"], ["", "blank"], ["200002", "B"]],
        "A1",
        raw=False,
    )
    ws.sort((1, "asc"), range="A2:B5")
    assert ws.get_all_values()[1:] == [
        ["100001", "A"],
        ["200002", "B"],
        ["300003", "C"],
        ["", "blank"],
    ]
    ws.sort((2, "des"), range="A2:B5")
    assert [row[1] for row in ws.get_all_values()[1:]] == ["C", "blank", "B", "A"]


def test_gspread_drive_calls_create_share_copy_delete(
    admin: EmulatorAdmin, gc: gspread.Client
) -> None:
    folder = admin.create_folder("Trackers")["id"]
    created = gc.create("New tracker", folder_id=folder)
    assert created.sheet1.title == "Sheet1"
    created.share("lead@school.org", perm_type="user", role="writer", notify=False)
    assert {"lead@school.org"} <= {p.get("emailAddress") for p in created.list_permissions()}
    copied = gc.copy(created.id, title="Backup")
    assert copied.title == "Backup"
    assert sorted(s.title for s in gc.openall()) == ["Backup", "New tracker"]
    gc.del_spreadsheet(copied.id)
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open_by_key(copied.id)
