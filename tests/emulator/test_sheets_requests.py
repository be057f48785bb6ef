"""Issue 16: batchUpdate requests common in gspread users' code, through the real gspread.

Named ranges, merges, notes, basic filters, dimension groups, updateCells, copy/cut-paste:
each as gspread 6 sends it, what spreadsheets.get shows afterwards, and the 400 Google gives
a request it refuses.
"""

from __future__ import annotations

from typing import Any

import gspread
import pytest
from gspread.exceptions import APIError
from gspread.utils import PasteType

from sos_sync.emulator.client import EmulatorAdmin


@pytest.fixture
def ws(admin: EmulatorAdmin, gc: gspread.Client) -> gspread.Worksheet:
    admin.create_spreadsheet("Requests", "s1", sheets=["Data"])
    sheet = gc.open_by_key("s1").sheet1
    sheet.update([["Name", "Phase"], ["Oak", "Primary"], ["Elm", "Secondary"]], "A1")
    return sheet


def _sheet(gc: gspread.Client, fields: str) -> dict[str, Any]:
    reply: dict[str, Any] = gc.open_by_key("s1").fetch_sheet_metadata({"fields": fields})
    return reply


def _refused(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(APIError) as caught:
        call(*args, **kwargs)
    assert caught.value.response.status_code == 400
    assert caught.value.error["status"] == "INVALID_ARGUMENT"
    return str(caught.value.error["message"])


def test_named_ranges_are_listed_read_written_renamed_and_deleted(
    ws: gspread.Worksheet, gc: gspread.Client
) -> None:
    ws.define_named_range("A2:B3", "Schools")
    book = gc.open_by_key("s1")
    [named] = book.list_named_ranges()
    assert named["name"] == "Schools"
    bounds = {"startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 0, "endColumnIndex": 2}
    assert named["range"] == bounds  # bounds at 0 are printed, sheetId 0 is not
    assert ws.get("Schools") == [["Oak", "Primary"], ["Elm", "Secondary"]]
    assert [c.value for c in book.named_range("Schools")] == ["Oak", "Primary", "Elm", "Secondary"]
    reply = book.values_get("Schools")
    assert reply["range"] == "Data!A2:B3" and reply["values"][0] == ["Oak", "Primary"]
    ws.update([["Ash", "Primary"]], "Schools")
    assert ws.acell("A2").value == "Ash"
    body = {
        "namedRange": {"namedRangeId": named["namedRangeId"], "name": "Members"},
        "fields": "name",
    }
    book.batch_update({"requests": [{"updateNamedRange": body}]})
    assert [n["name"] for n in book.list_named_ranges()] == ["Members"]
    assert "Unable to parse range" in _refused(book.values_get, "Schools")
    ws.delete_named_range(named["namedRangeId"])
    assert book.list_named_ranges() == []


@pytest.mark.parametrize(
    ("name", "why"),
    [("A1", "not valid"), ("1st", "not valid"), ("two words", "not valid"), ("true", "not valid")],
)
def test_a_named_range_name_google_refuses(ws: gspread.Worksheet, name: str, why: str) -> None:
    message = _refused(ws.define_named_range, "A1:B2", name)
    assert message.startswith("Invalid requests[0].addNamedRange:") and why in message


def test_a_named_range_name_that_exists_is_refused_whatever_its_case(
    ws: gspread.Worksheet, gc: gspread.Client
) -> None:
    ws.define_named_range("A1:B2", "Schools")
    assert "already exists" in _refused(ws.define_named_range, "C1:C2", "SCHOOLS")
    assert len(gc.open_by_key("s1").list_named_ranges()) == 1


def test_merges_all_rows_columns_and_unmerge(ws: gspread.Worksheet, gc: gspread.Client) -> None:
    ws.merge_cells("A2:B3")
    merges = _sheet(gc, "sheets.merges")["sheets"][0]["merges"]
    assert merges == [
        {"startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 0, "endColumnIndex": 2}
    ]
    assert ws.get("A2:B3") == [["Oak"]]  # only the top-left value stays
    assert ws.get("A1:B2", combine_merged_cells=True, pad_values=True) == [
        ["Name", "Phase"],
        ["Oak", "Oak"],  # gspread spreads the merge's value over it
    ]
    assert "overlaps" in _refused(ws.merge_cells, "B3:C4")
    ws.merge_cells("D1:E2", merge_type="MERGE_ROWS")
    ws.merge_cells("F1:G2", merge_type="MERGE_COLUMNS")
    merges = _sheet(gc, "sheets.merges")["sheets"][0]["merges"]
    rows = [m for m in merges if m["startColumnIndex"] == 3]
    columns = [m for m in merges if m["startColumnIndex"] in (5, 6)]
    assert [m["startRowIndex"] for m in rows] == [0, 1]
    assert all(m["endRowIndex"] - m["startRowIndex"] == 2 for m in columns)
    assert len(columns) == 2
    assert "partially" in _refused(ws.unmerge_cells, "A2:A3")
    ws.unmerge_cells("A1:G4")
    assert "merges" not in _sheet(gc, "sheets.merges")["sheets"][0]


def test_notes_inserted_read_updated_and_cleared(ws: gspread.Worksheet) -> None:
    ws.insert_note("B2", "Checked by phone")
    ws.insert_notes({"A3": "New school", "C5": "Far away"})
    assert ws.get_note("B2") == "Checked by phone"
    assert ws.get_note("A1") == ""
    assert ws.get_notes() == [
        [],
        ["", "Checked by phone"],
        ["New school"],
        [],
        ["", "", "Far away"],
    ]
    assert ws.get_notes(grid_range="A2:B3") == [["", "Checked by phone"], ["New school"]]
    ws.update([["Beech"]], "B2")  # a value written keeps the note
    assert ws.get_note("B2") == "Checked by phone" and ws.acell("B2").value == "Beech"
    ws.update_note("B2", "Visited")
    ws.clear_note("A3")
    assert ws.get_notes() == [[], ["", "Visited"], [], [], ["", "", "Far away"]]
    assert ws.get_all_values()[:3] == [["Name", "Phase"], ["Oak", "Beech"], ["Elm", "Secondary"]]


def test_basic_filter_set_and_cleared(ws: gspread.Worksheet, gc: gspread.Client) -> None:
    ws.set_basic_filter("A1:B3")
    found = _sheet(gc, "sheets.basicFilter")["sheets"][0]["basicFilter"]
    bounds = {"startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": 0, "endColumnIndex": 2}
    assert found == {"range": bounds}
    ws.set_basic_filter()  # the whole sheet
    found = _sheet(gc, "sheets.basicFilter")["sheets"][0]["basicFilter"]
    assert (found["range"]["endRowIndex"], found["range"]["endColumnIndex"]) == (1000, 26)
    ws.clear_basic_filter()
    assert "basicFilter" not in _sheet(gc, "sheets.basicFilter")["sheets"][0]


def test_dimension_groups_nest_merge_and_split_as_google_describes(
    ws: gspread.Worksheet,
) -> None:
    ws.add_dimension_group_columns(1, 5)  # B:E
    ws.add_dimension_group_columns(2, 4)  # C:D inside it: depth 2
    groups = [
        (g["range"]["startIndex"], g["range"]["endIndex"], g["depth"])
        for g in ws.list_dimension_group_columns()
    ]
    assert groups == [(1, 5, 1), (2, 4, 2)]
    ws.delete_dimension_group_columns(3, 5)  # D:E, the API reference's example
    groups = [
        (g["range"]["startIndex"], g["range"]["endIndex"], g["depth"])
        for g in ws.list_dimension_group_columns()
    ]
    assert groups == [(1, 4, 1), (2, 3, 2)]
    ws.add_dimension_group_rows(1, 3)
    ws.add_dimension_group_rows(2, 5)  # a partial overlap: the union, and the intersection
    rows = [
        (g["range"]["startIndex"], g["range"]["endIndex"], g["depth"])
        for g in ws.list_dimension_group_rows()
    ]
    assert rows == [(1, 5, 1), (2, 3, 2)]
    assert ws.list_dimension_group_rows()[0]["range"]["dimension"] == "ROWS"
    assert "no group" in _refused(ws.delete_dimension_group_rows, 6, 8)


def test_update_cells_with_start_or_range_and_a_fields_mask(
    ws: gspread.Worksheet, gc: gspread.Client
) -> None:
    book = gc.open_by_key("s1")
    values = [
        {"userEnteredValue": {"numberValue": 7}},
        {"userEnteredValue": {"formulaValue": "=1+2"}},
    ]
    start = {"sheetId": ws.id, "rowIndex": 3, "columnIndex": 0}
    request = {"rows": [{"values": values}], "fields": "userEnteredValue", "start": start}
    book.batch_update({"requests": [{"updateCells": request}]})
    assert ws.get("A4:B4", value_render_option="FORMULA") == [[7, "=1+2"]]
    assert ws.get("A4:B4") == [["7", "3"]]
    span = {
        "sheetId": ws.id,
        "startRowIndex": 1,
        "endRowIndex": 3,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    rows = [{"values": [{"userEnteredValue": {"stringValue": "Yew"}, "note": "n"}]}]
    request = {"rows": rows, "fields": "userEnteredValue", "range": span}
    book.batch_update({"requests": [{"updateCells": request}]})  # the rest of the range cleared
    assert ws.get("A1:B4") == [["Name", "Phase"], ["Yew"], [], ["7", "3"]]
    assert ws.get_note("A2") == ""  # `note` was not in the mask
    request = {"rows": rows, "fields": "*", "start": {"sheetId": ws.id, "rowIndex": 1}}
    book.batch_update({"requests": [{"updateCells": request}]})
    assert ws.get_note("A2") == "n"
    assert "'fields' is empty" in _refused(
        book.batch_update, {"requests": [{"updateCells": {"rows": rows, "start": start}}]}
    )


def test_copy_and_cut_paste(ws: gspread.Worksheet, gc: gspread.Client) -> None:
    ws.insert_note("A2", "First school")
    ws.copy_range("A2:B3", "D1")
    assert ws.get("D1:E2") == [["Oak", "Primary"], ["Elm", "Secondary"]]
    assert ws.get_note("D1") == "First school"
    ws.copy_range("A1:A1", "G1:G3")  # a multiple of the source: repeated
    assert ws.get("G1:G3") == [["Name"], ["Name"], ["Name"]]
    book = gc.open_by_key("s1")
    span = {"sheetId": ws.id, "startRowIndex": 1, "endRowIndex": 2, "endColumnIndex": 1}
    formula = {"source": span, "destination": {**span, "startRowIndex": 11, "endRowIndex": 12}}
    book.batch_update({"requests": [{"copyPaste": {**formula, "pasteType": "PASTE_FORMULA"}}]})
    assert ws.acell("A12").value == "Oak" and ws.get_note("A12") == ""
    ws.copy_range("A2:B2", "A10", paste_type=PasteType.values)
    assert ws.get("A10:B10") == [["Oak", "Primary"]] and ws.get_note("A10") == ""
    ws.cut_range("A2:B3", "A20")
    assert ws.get("A2:B3") == [[]]
    assert ws.get("A20:B21") == [["Oak", "Primary"], ["Elm", "Secondary"]]
    assert ws.get_note("A20") == "First school" and ws.get_note("A2") == ""
    assert "past the grid" in _refused(ws.copy_range, "A20:B21", "Z1000")


def test_rows_inserted_and_deleted_move_named_ranges_merges_and_groups(
    ws: gspread.Worksheet, gc: gspread.Client
) -> None:
    ws.define_named_range("A2:B3", "Schools")
    ws.merge_cells("D2:E3")
    ws.add_dimension_group_rows(1, 3)
    ws.insert_rows([["Ash", "Primary"]], row=1)  # above everything: all move down one
    assert ws.get("Schools") == [["Oak", "Primary"], ["Elm", "Secondary"]]
    merges = _sheet(gc, "sheets.merges")["sheets"][0]["merges"]
    assert merges == [
        {"startRowIndex": 2, "endRowIndex": 4, "startColumnIndex": 3, "endColumnIndex": 5}
    ]
    groups = ws.list_dimension_group_rows()
    assert [(g["range"]["startIndex"], g["range"]["endIndex"]) for g in groups] == [(2, 4)]
    ws.insert_rows([["Fir", "Primary"]], row=4)  # inside: they stretch
    assert ws.get("Schools") == [["Oak", "Primary"], ["Fir", "Primary"], ["Elm", "Secondary"]]
    ws.delete_rows(3, 5)  # Oak, Fir and Elm go; so do the merge and the named range
    book = gc.open_by_key("s1")
    assert book.list_named_ranges() == []
    assert "merges" not in _sheet(gc, "sheets.merges")["sheets"][0]
    assert ws.list_dimension_group_rows() == []


def test_a_request_shape_google_refuses_is_a_400_naming_the_field(
    ws: gspread.Worksheet, gc: gspread.Client
) -> None:
    span = {"sheetId": ws.id, "endRowIndex": 2, "endColumnIndex": 2}
    bad_enum = {"mergeCells": {"range": span, "mergeType": "MERGE_DIAGONAL"}}
    message = _refused(gc.open_by_key("s1").batch_update, {"requests": [bad_enum]})
    assert "MERGE_DIAGONAL" in message
    unknown = {"addNamedRange": {"namedRange": {"name": "X", "range": span, "colour": "red"}}}
    assert "colour" in _refused(gc.open_by_key("s1").batch_update, {"requests": [unknown]})
    outside = {
        "addNamedRange": {"namedRange": {"name": "X", "range": {**span, "endRowIndex": 1001}}}
    }
    assert "outside the grid" in _refused(
        gc.open_by_key("s1").batch_update, {"requests": [outside]}
    )


def test_grid_data_of_a_range_starts_where_the_range_does_and_carries_notes(
    ws: gspread.Worksheet, sheets_api: Any
) -> None:
    ws.insert_note("B3", "Federation")
    got = sheets_api.spreadsheets().get(
        spreadsheetId="s1", ranges=["Data!B2:C3"], includeGridData=True
    )
    data = got.execute()["sheets"][0]["data"]
    assert (data[0]["startRow"], data[0]["startColumn"]) == (1, 1)
    cells = [[c.get("formattedValue") for c in row["values"]] for row in data[0]["rowData"]]
    assert cells == [["Primary"], ["Secondary"]]
    assert data[0]["rowData"][1]["values"][0]["note"] == "Federation"
    assert data[0]["rowData"][1]["values"][0]["userEnteredValue"] == {"stringValue": "Secondary"}
