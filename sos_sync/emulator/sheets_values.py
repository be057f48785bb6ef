"""Sheets v4 values HTTP handlers: get / batchGet / update / batchUpdate / append / clear / batchClear."""

from __future__ import annotations

from typing import Any

from sos_sync.emulator import a1, cells, grid, sheets_dimensions
from sos_sync.emulator.errors import ApiError
from sos_sync.emulator.request import Request

Matrix = list[list[Any]]


# --------------------------------------------------------------------------------------------
# reading


def _read(
    resolved: grid.Resolved, major: str, render: str, date_render: str, locale: str
) -> dict[str, Any]:
    sheet = resolved.sheet
    stored = sheet["rows"]
    bottom = min(resolved.row1, grid.last_data_row(sheet))
    matrix: Matrix = []
    for row in range(resolved.row0, bottom):
        line = stored[row][resolved.col0 : resolved.col1]  # cells past the stored ones are empty
        matrix.append([cells.render(cell, render, date_render, locale) for cell in line])
    if major == "COLUMNS":
        width = max((len(r) for r in matrix), default=0)
        matrix = [[r[c] if c < len(r) else "" for r in matrix] for c in range(width)]
    trimmed = _trim(matrix)
    reply: dict[str, Any] = {"range": resolved.normalised(), "majorDimension": major}
    if trimmed:
        reply["values"] = trimmed
    return reply


def _trim(matrix: Matrix) -> Matrix:
    out = []
    for line in matrix:
        end = len(line)
        while end and line[end - 1] == "":
            end -= 1
        out.append(line[:end])
    while out and not out[-1]:
        out.pop()
    return out


def _render_options(req: Request) -> tuple[str, str, str]:
    major = req.arg("majorDimension") or "ROWS"
    if major == "DIMENSION_UNSPECIFIED":
        major = "ROWS"
    render = req.arg("valueRenderOption") or "FORMATTED_VALUE"
    date_render = req.arg("dateTimeRenderOption") or "SERIAL_NUMBER"
    return major, render, date_render


def values_get(req: Request) -> tuple[int, Any]:
    """GET .../values/{range}"""
    book = grid.spreadsheet(req.state, req.param("spreadsheetId"))
    resolved = grid.resolve(book, req.param("range"))
    resolved.check_inside()
    return 200, _read(resolved, *_render_options(req), grid.locale(book))


def values_batch_get(req: Request) -> tuple[int, Any]:
    """GET .../values:batchGet?ranges=..&ranges=.."""
    book = grid.spreadsheet(req.state, req.param("spreadsheetId"))
    options = _render_options(req)
    ranges = [grid.resolve(book, text) for text in req.args("ranges")]
    for resolved in ranges:
        resolved.check_inside()
    reply: dict[str, Any] = {"spreadsheetId": book["spreadsheetId"]}
    if ranges:
        reply["valueRanges"] = [_read(r, *options, grid.locale(book)) for r in ranges]
    return 200, reply


# --------------------------------------------------------------------------------------------
# writing


def _input_option(value: str | None) -> str:
    if value in (None, "", "INPUT_VALUE_OPTION_UNSPECIFIED"):
        raise ApiError(400, "'valueInputOption' is required but not specified")
    return str(value)


def _as_rows(values: Any, major: str | None) -> Matrix:
    if values is None:
        return []
    if not isinstance(values, list) or any(not isinstance(r, list) for r in values):
        raise ApiError(
            400,
            f"Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), {values!r}",
        )
    if major == "COLUMNS":
        height = max((len(c) for c in values), default=0)
        return [[col[r] if r < len(col) else None for col in values] for r in range(height)]
    return values


def _write(
    req: Request,
    book: dict[str, Any],
    range_text: str,
    values: Any,
    major: str | None,
    option: str,
    strict_box: bool = True,
) -> dict[str, Any]:
    resolved = grid.resolve(book, range_text)
    resolved.check_inside()
    rows = _as_rows(values, major)
    parsed = resolved.parsed
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    single = (
        parsed.row1 is not None
        and parsed.col1 is not None
        and (parsed.row1 - (parsed.row0 or 0) == 1 and parsed.col1 - (parsed.col0 or 0) == 1)
    )
    if strict_box and not parsed.whole_sheet and not single:
        if parsed.row1 is not None and resolved.row0 + height > parsed.row1:
            raise ApiError(
                400,
                f"Requested writing within range [{range_text}], but tried writing to row "
                f"[{resolved.row0 + height}]",
            )
        if parsed.col1 is not None and resolved.col0 + width > parsed.col1:
            raise ApiError(
                400,
                f"Requested writing within range [{range_text}], but tried writing to column "
                f"[{a1.column_letters(resolved.col0 + width - 1)}]",
            )
    _store(book, resolved.sheet, resolved.row0, resolved.col0, rows, option)
    reply: dict[str, Any] = {"spreadsheetId": book["spreadsheetId"]}
    if height and width:
        reply["updatedRange"] = a1.format_box(
            resolved.title,
            resolved.row0,
            resolved.col0,
            resolved.row0 + height,
            resolved.col0 + width,
        )
        reply["updatedRows"] = height
        reply["updatedColumns"] = width
        reply["updatedCells"] = sum(1 for r in rows for v in r if v is not None)
    else:
        reply["updatedRange"] = resolved.normalised()
    if req.flag("includeValuesInResponse") and height and width:
        box = grid.resolve(book, reply["updatedRange"])
        render = req.arg("responseValueRenderOption") or "FORMATTED_VALUE"
        date_render = req.arg("responseDateTimeRenderOption") or "SERIAL_NUMBER"
        reply["updatedData"] = _read(box, major or "ROWS", render, date_render, grid.locale(book))
    return reply


def _store(
    book: dict[str, Any], sheet: dict[str, Any], row0: int, col0: int, rows: Matrix, option: str
) -> None:
    locale = grid.locale(book)
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    grid.ensure_grid(sheet, row0 + height, col0 + width)
    grid.check_cell_limit(book)
    for r, line in enumerate(rows):
        for c, value in enumerate(line):
            if value is None:
                continue  # null means "leave this cell as it is"
            if isinstance(value, (dict, list)):
                raise ApiError(400, f"Invalid values[{r}][{c}]: {value!r}")
            if isinstance(value, str) and len(value) > grid.MAX_CELL_CHARS:
                raise ApiError(
                    400,
                    f"Your input contains more than the maximum of {grid.MAX_CELL_CHARS} "
                    "characters in a single cell.",
                )
            cell = cells.raw(value) if option == "RAW" else cells.user_entered(value, locale)
            grid.put_value(sheet, row0 + r, col0 + c, cell)


def values_update(req: Request) -> tuple[int, Any]:
    """PUT .../values/{range}?valueInputOption=RAW|USER_ENTERED"""
    book = grid.spreadsheet(req.state, req.param("spreadsheetId"))
    option = _input_option(req.arg("valueInputOption"))
    body = req.json()
    if (
        body.get("range")
        and grid.resolve(book, body["range"]).normalised()
        != grid.resolve(book, req.param("range")).normalised()
    ):
        raise ApiError(
            400,
            f"Requested writing within range [{req.param('range')}], but the request body has "
            f"range [{body['range']}]",
        )
    return 200, _write(
        req, book, req.param("range"), body.get("values"), body.get("majorDimension"), option
    )


def values_batch_update(req: Request) -> tuple[int, Any]:
    """POST .../values:batchUpdate"""
    book = grid.spreadsheet(req.state, req.param("spreadsheetId"))
    body = req.json()
    option = _input_option(body.get("valueInputOption"))
    data = body.get("data") or []
    for item in data:  # all ranges must parse before anything is written
        grid.resolve(book, item.get("range") or "").check_inside()
    responses = [
        _write(req, book, item["range"], item.get("values"), item.get("majorDimension"), option)
        for item in data
    ]
    touched_sheets = {r["updatedRange"].rsplit("!", 1)[0] for r in responses if "updatedRows" in r}
    reply: dict[str, Any] = {
        "spreadsheetId": book["spreadsheetId"],
        "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
        "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
        "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
        "totalUpdatedSheets": len(touched_sheets),
    }
    if responses:
        reply["responses"] = responses
    return 200, reply


def _table(sheet: dict[str, Any], resolved: grid.Resolved) -> tuple[int, int, int, int] | None:
    """Find the table an append targets: (row0, col0, row1, col1), or None when the range is empty.

    Like Sheets: starting from the range's first row holding data, the table is the last
    contiguous run of filled cells in that row (a gap starts a new table), extended down while
    rows keep data within its columns.
    """

    def filled(row: int, col: int) -> bool:
        return "v" in (grid.get_cell(sheet, row, col) or {})

    bottom = min(resolved.row1, grid.last_data_row(sheet))
    first = next(
        (
            r
            for r in range(resolved.row0, bottom)
            if any(filled(r, c) for c in range(resolved.col0, resolved.col1))
        ),
        None,
    )
    if first is None:
        return None
    single = resolved.row1 - resolved.row0 == 1 and resolved.col1 - resolved.col0 == 1
    if single and filled(first, resolved.col0):
        start = resolved.col0
        end = start
        limit = grid.size(sheet)[1]
        while end < limit and filled(first, end):
            end += 1
    else:
        runs: list[tuple[int, int]] = []
        col = resolved.col0
        while col < resolved.col1:
            if filled(first, col):
                run_start = col
                while col < resolved.col1 and filled(first, col):
                    col += 1
                runs.append((run_start, col))
            else:
                col += 1
        start, end = runs[-1]
    last = first + 1
    rows_total = grid.last_data_row(sheet)
    while last < rows_total and any(filled(last, c) for c in range(start, end)):
        last += 1
    return first, start, last, end


def values_append(req: Request) -> tuple[int, Any]:
    """POST .../values/{range}:append"""
    book = grid.spreadsheet(req.state, req.param("spreadsheetId"))
    option = _input_option(req.arg("valueInputOption"))
    insert = req.arg("insertDataOption") or "OVERWRITE"
    body = req.json()
    resolved = grid.resolve(book, req.param("range"))
    resolved.check_inside()
    sheet = resolved.sheet
    rows = _as_rows(body.get("values"), body.get("majorDimension"))
    table = _table(sheet, resolved)
    reply: dict[str, Any] = {"spreadsheetId": book["spreadsheetId"]}
    if table is None:
        at_row, at_col = resolved.row0, resolved.col0
    else:
        t_row0, t_col0, t_row1, t_col1 = table
        reply["tableRange"] = a1.format_box(resolved.title, t_row0, t_col0, t_row1, t_col1)
        at_row, at_col = t_row1, t_col0
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    if insert == "INSERT_ROWS" and height and at_row < grid.size(sheet)[0]:
        sheets_dimensions.insert_rows(book, sheet, at_row, height)
    _store(book, sheet, at_row, at_col, rows, option)
    updates: dict[str, Any] = {"spreadsheetId": book["spreadsheetId"]}
    if height and width:
        updates["updatedRange"] = a1.format_box(
            resolved.title, at_row, at_col, at_row + height, at_col + width
        )
        updates["updatedRows"] = height
        updates["updatedColumns"] = width
        updates["updatedCells"] = sum(1 for r in rows for v in r if v is not None)
        if req.flag("includeValuesInResponse"):
            box = grid.resolve(book, updates["updatedRange"])
            updates["updatedData"] = _read(
                box,
                "ROWS",
                req.arg("responseValueRenderOption") or "FORMATTED_VALUE",
                req.arg("responseDateTimeRenderOption") or "SERIAL_NUMBER",
                grid.locale(book),
            )
    else:
        updates["updatedRange"] = a1.format_box(
            resolved.title, at_row, at_col, at_row + 1, at_col + 1
        )
    reply["updates"] = updates
    return 200, reply


def _clear(book: dict[str, Any], range_text: str) -> str:
    resolved = grid.resolve(book, range_text)
    resolved.check_inside()
    for row in range(resolved.row0, min(resolved.row1, len(resolved.sheet["rows"]))):
        for col in range(resolved.col0, resolved.col1):
            grid.put_value(resolved.sheet, row, col, None)
    return resolved.normalised()


def values_clear(req: Request) -> tuple[int, Any]:
    """POST .../values/{range}:clear"""
    book = grid.spreadsheet(req.state, req.param("spreadsheetId"))
    cleared = _clear(book, req.param("range"))
    return 200, {"spreadsheetId": book["spreadsheetId"], "clearedRange": cleared}


def values_batch_clear(req: Request) -> tuple[int, Any]:
    """POST .../values:batchClear"""
    book = grid.spreadsheet(req.state, req.param("spreadsheetId"))
    ranges = req.json().get("ranges") or []
    for text in ranges:
        grid.resolve(book, text).check_inside()
    cleared = [_clear(book, text) for text in ranges]
    reply: dict[str, Any] = {"spreadsheetId": book["spreadsheetId"]}
    if cleared:
        reply["clearedRanges"] = cleared
    return 200, reply


HANDLERS = {
    "sheets.spreadsheets.values.get": values_get,
    "sheets.spreadsheets.values.batchGet": values_batch_get,
    "sheets.spreadsheets.values.update": values_update,
    "sheets.spreadsheets.values.batchUpdate": values_batch_update,
    "sheets.spreadsheets.values.append": values_append,
    "sheets.spreadsheets.values.clear": values_clear,
    "sheets.spreadsheets.values.batchClear": values_batch_clear,
}
