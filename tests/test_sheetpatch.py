"""Patching one worksheet part: only the written rows change; every other byte stays."""

from __future__ import annotations

from sos_sync.backends.local.workbook.sheetpatch import Put, SheetPatch
from sos_sync.backends.local.workbook.styles import StyleBook

STYLES = StyleBook.parse(
    '<styleSheet><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="0"/></cellXfs></styleSheet>'
)


def _sheet(rows: str) -> str:
    return (
        '<worksheet><dimension ref="A1:B3"/><sheetData>'
        + rows
        + '</sheetData><autoFilter ref="A1:B3"/></worksheet>'
    )


ROWS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Key</t></is></c></row>'
    '<row r="3" spans="1:2"><c r="A3"><v>3</v></c><c r="B3" s="1"><v>30</v></c></row>'
    '<row r="5"/>'
    "<row><c><v>6</v></c></row>"  # no `r`: the row after the one before
    '<row r="8"><c r="A8"><v>8</v></c></row>'
)


def test_only_the_written_rows_change_and_new_rows_go_in_order() -> None:
    patch = SheetPatch(_sheet(ROWS), STYLES, False)
    patch.put(2, Put(0, "new above 3", None, 0))  # a row made between two rows
    patch.put(3, Put(1, 31, None, 0))  # an existing cell: keeps its style
    patch.put(5, Put(0, 5, None, 0))  # a self-closing row
    patch.put(6, Put(1, 66, None, 0))  # a row with no `r`
    patch.put(10, Put(0, "below", None, 0))  # a row made below the last
    out = patch.render(1)
    assert out == _sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Key</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve">new above 3</t></is>'
        "</c></row>"
        '<row r="3"><c r="A3"><v>3</v></c><c r="B3" s="1"><v>31</v></c></row>'
        '<row r="5"><c r="A5"><v>5</v></c></row>'
        '<row><c><v>6</v></c><c r="B6"><v>66</v></c></row>'
        '<row r="8"><c r="A8"><v>8</v></c></row>'
        '<row r="10"><c r="A10" t="inlineStr"><is><t xml:space="preserve">below</t></is></c></row>'
    ).replace('ref="A1:B3"/>', 'ref="A1:B10"/>')


def test_a_night_writing_nothing_on_a_sheet_leaves_its_rows_as_they_were() -> None:
    xml = _sheet(ROWS)
    out = SheetPatch(xml, STYLES, False).render(1)
    assert out == xml.replace('ref="A1:B3"/>', 'ref="A1:B8"/>')


def test_an_empty_sheet_gets_its_rows() -> None:
    xml = '<worksheet><dimension ref="A1"/><sheetData/></worksheet>'
    patch = SheetPatch(xml, STYLES, False)
    patch.put(1, Put(0, "Key", None, 0))
    assert patch.render(0) == (
        '<worksheet><dimension ref="A1:A1"/><sheetData><row r="1"><c r="A1" t="inlineStr">'
        '<is><t xml:space="preserve">Key</t></is></c></row></sheetData></worksheet>'
    )
