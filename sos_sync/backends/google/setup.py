"""`sos-sync init --backend google` on an existing spreadsheet: the tabs of §4.1, ready for leads.

Every tab gets its header row (frozen); lead choice columns get drop-downs (Step override
1-5; Resolved, Ready, Attended Yes/No); machine columns are protected with a warning only
(a lead may still type there, after a prompt: the sync then leaves the value alone and
reports it); `Stalled = Yes` on Schools and open `Needs review` rows are highlighted; the
Dashboard gets a chart of schools per step (fed by two helper formula columns to the
right of the planner's, so it follows the Step rows wherever they are). A tab that has been prepared carries the
developer metadata `sos-sync.setup`, so a second call changes nothing. Headers a lead
already has are kept; missing ones are added at the right.
"""

from __future__ import annotations

from typing import Any

from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.tabs import GoogleTracker, column_letters, quote_tab, sheet_id_for
from sos_sync.config.load import Config
from sos_sync.tracker.schema import TabData, TabSpec, all_tabs

MARKER = "sos-sync.setup"
MARKER_VALUE = "1"
CHOICES: dict[str, tuple[str, ...]] = {
    "Step override": ("1", "2", "3", "4", "5"),
    "Resolved": ("Yes", "No"),
    "Ready": ("Yes", "No"),
    "Attended": ("Yes", "No"),
}
STALLED_FILL = {"red": 1.0, "green": 0.87, "blue": 0.8}
OPEN_FILL = {"red": 1.0, "green": 0.95, "blue": 0.8}


def _headers(spec: TabSpec, current: TabData | None) -> list[str]:
    header = list(current.header) if current else []
    while header and header[-1] == "":
        header.pop()
    for name in spec.headers:
        if name not in header:
            header.append(name)
    return header


def _column_range(sheet_id: int, col: int, first_row: int = 0) -> dict[str, Any]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": first_row,
        "startColumnIndex": col,
        "endColumnIndex": col + 1,
    }


def decorations(spec: TabSpec, sheet_id: int, header: list[str]) -> list[dict[str, Any]]:
    """Drop-downs, warning-only protection, conditional formats and the chart for one tab."""
    pos = {h: i for i, h in reversed(list(enumerate(header)))}
    out = _column_rules(spec, sheet_id, pos)
    width = len(header)
    if spec.name == "Schools":
        out.append(_stalled_rule(sheet_id, pos["Stalled"]))
    if spec.name == "Needs review":
        out.append(_open_problem_rule(sheet_id, pos, width))
    if spec.name == "Dashboard":
        out.append(_dashboard_chart(sheet_id, width))
    out.append(
        {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataKey": MARKER,
                    "metadataValue": MARKER_VALUE,
                    "location": {"sheetId": sheet_id},
                    "visibility": "DOCUMENT",
                }
            }
        }
    )
    return out


def _column_rules(spec: TabSpec, sheet_id: int, pos: dict[str, int]) -> list[dict[str, Any]]:
    """A drop-down on each lead choice column; a warning-only protection on each machine one."""
    out: list[dict[str, Any]] = []
    for col in spec.columns:
        i = pos[col.name]
        if col.owner == "lead" and col.name in CHOICES:
            condition = {
                "type": "ONE_OF_LIST",
                "values": [{"userEnteredValue": v} for v in CHOICES[col.name]],
            }
            out.append(
                {
                    "setDataValidation": {
                        "range": _column_range(sheet_id, i, 1),
                        "rule": {"condition": condition, "showCustomUi": True, "strict": False},
                    }
                }
            )
        if col.owner == "machine":
            protected = {
                "range": _column_range(sheet_id, i),
                "description": f"sos-sync writes `{col.name}` every night",
                "warningOnly": True,
            }
            out.append({"addProtectedRange": {"protectedRange": protected}})
    return out


def _highlight(
    ranges: list[dict[str, Any]], condition: dict[str, Any], fill: Any
) -> dict[str, Any]:
    rule = {
        "ranges": ranges,
        "booleanRule": {"condition": condition, "format": {"backgroundColor": fill}},
    }
    return {"addConditionalFormatRule": {"index": 0, "rule": rule}}


def _stalled_rule(sheet_id: int, stalled: int) -> dict[str, Any]:
    condition = {"type": "TEXT_EQ", "values": [{"userEnteredValue": "Yes"}]}
    return _highlight([_column_range(sheet_id, stalled, 1)], condition, STALLED_FILL)


def _open_problem_rule(sheet_id: int, pos: dict[str, int], width: int) -> dict[str, Any]:
    key = column_letters(pos["Problem ID"])
    resolved = column_letters(pos["Resolved"])
    whole = {
        "sheetId": sheet_id,
        "startRowIndex": 1,
        "startColumnIndex": 0,
        "endColumnIndex": width,
    }
    formula = f'=AND(${key}2<>"", ${resolved}2<>"Yes")'
    condition = {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": formula}]}
    return _highlight([whole], condition, OPEN_FILL)


def _dashboard_chart(sheet_id: int, width: int) -> dict[str, Any]:
    """The chart reads two helper columns that pick the Step rows wherever the planner puts
    them and turn their text values into numbers (see `chart_formulas`)."""
    step_col, count_col = width, width + 1

    def source(col: int) -> dict[str, Any]:
        cells = {
            "sheetId": sheet_id,
            "startRowIndex": 1,
            "endRowIndex": 6,
            "startColumnIndex": col,
            "endColumnIndex": col + 1,
        }
        return {"sourceRange": {"sources": [cells]}}

    chart = {
        "title": "Schools per step",
        "basicChart": {
            "chartType": "COLUMN",
            "legendPosition": "NO_LEGEND",
            "axis": [
                {"position": "BOTTOM_AXIS", "title": "Step"},
                {"position": "LEFT_AXIS", "title": "Schools"},
            ],
            "domains": [{"domain": source(step_col)}],
            "series": [{"series": source(count_col), "targetAxis": "LEFT_AXIS"}],
        },
    }
    anchor = {"sheetId": sheet_id, "rowIndex": 1, "columnIndex": count_col + 2}
    return {
        "addChart": {
            "chart": {"spec": chart, "position": {"overlayPosition": {"anchorCell": anchor}}}
        }
    }


CHART_HEADERS = ("Step (chart)", "Schools (chart)")


def chart_formulas(header: list[str]) -> list[str]:
    """Formulas (built here, never from form text) listing Step 1-5 and their counts as numbers."""
    pos = {h: i for i, h in reversed(list(enumerate(header)))}
    m, v = column_letters(pos["Measure"]), column_letters(pos["Value"])
    pick = f'LEFT({m}2:{m}, 5)="Step "'
    return [
        f"=SORT(FILTER({m}2:{m}, {pick}))",
        f"=ARRAYFORMULA(VALUE(INDEX(SORT(FILTER({{{m}2:{m}, {v}2:{v}}}, {pick}), 1, TRUE), 0, 2)))",
    ]


def prepare_spreadsheet(config: Config, clients: GoogleClients | None = None) -> int:
    """Make the tracker's tabs in `google.spreadsheet_id`; return the write requests sent (0: ready)."""
    clients = clients or GoogleClients(config)
    tracker = GoogleTracker(config, clients)
    sid = config.raw.google.spreadsheet_id
    http = clients.sheets
    tabs = all_tabs(config.forms, [c.code for c in config.criteria])
    meta = clients.call(
        lambda: http.fetch_sheet_metadata(sid, {"fields": "sheets(properties,developerMetadata)"}),
        f"the spreadsheet {sid}",
        f"the spreadsheet {sid} as Editor",
    )
    sheets = {str(s["properties"]["title"]): s for s in meta.get("sheets", [])}
    prepared = {
        title
        for title, s in sheets.items()
        if any(m.get("metadataKey") == MARKER for m in s.get("developerMetadata", []))
    }
    pending = [t for t in tabs if t.name not in prepared]
    if not pending:
        return 0
    current = tracker.read_tabs([t for t in pending if t.name in sheets])
    requests: list[dict[str, Any]] = []
    values: list[dict[str, Any]] = []
    formulas: list[dict[str, Any]] = []
    for i, spec in enumerate(tabs):
        if spec.name in prepared:
            continue
        header = _headers(spec, current.get(spec.name))
        sheet_id = _sheet_requests(spec, i, header, sheets.get(spec.name), requests)
        requests.extend(decorations(spec, sheet_id, header))
        had = current.get(spec.name)
        if had is None or list(had.header[: len(header)]) != header:
            end = column_letters(len(header) - 1)
            values.append({"range": f"{quote_tab(spec.name)}!A1:{end}1", "values": [header]})
        if spec.name == "Dashboard":
            first, second = column_letters(len(header)), column_letters(len(header) + 1)
            values.append(
                {
                    "range": f"{quote_tab(spec.name)}!{first}1:{second}1",
                    "values": [list(CHART_HEADERS)],
                }
            )
            formulas.append(
                {
                    "range": f"{quote_tab(spec.name)}!{first}2:{second}2",
                    "values": [chart_formulas(header)],
                }
            )
    return _send(clients, sid, requests, values, formulas)


def _sheet_requests(
    spec: TabSpec,
    index: int,
    header: list[str],
    sheet: dict[str, Any] | None,
    requests: list[dict[str, Any]],
) -> int:
    """Add the requests that make (or widen and freeze) a tab's sheet; return its sheetId."""
    if sheet is None:
        sheet_id = sheet_id_for(spec.name)
        grid = {"rowCount": 1000, "columnCount": max(26, len(header)), "frozenRowCount": 1}
        props = {"sheetId": sheet_id, "title": spec.name, "index": index, "gridProperties": grid}
        requests.append({"addSheet": {"properties": props}})
        return sheet_id
    sheet_id = int(sheet["properties"]["sheetId"])
    columns = int(sheet["properties"].get("gridProperties", {}).get("columnCount", 0))
    if columns < len(header):
        requests.append(
            {
                "appendDimension": {
                    "sheetId": sheet_id,
                    "dimension": "COLUMNS",
                    "length": len(header) - columns,
                }
            }
        )
    requests.append(
        {
            "updateSheetProperties": {
                "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 1}},
                "fields": "gridProperties.frozenRowCount",
            }
        }
    )
    return sheet_id


def _send(
    clients: GoogleClients,
    sid: str,
    requests: list[dict[str, Any]],
    values: list[dict[str, Any]],
    formulas: list[dict[str, Any]],
) -> int:
    """The set-up's writes: the structure, the headers, the chart's helper formulas."""
    http = clients.sheets
    share = f"the spreadsheet {sid} as Editor"
    clients.call(
        lambda: http.batch_update(sid, {"requests": requests}),
        f"the spreadsheet {sid} (preparing the tabs)",
        share,
        retry=False,  # adds tabs: never sent twice blindly; rerun prepare instead
    )
    sent = 1
    if values:
        clients.call(
            lambda: http.values_batch_update(sid, {"valueInputOption": "RAW", "data": values}),
            f"the spreadsheet {sid} (writing the headers)",
            share,
        )
        sent += 1
    if formulas:  # our own formulas: the only USER_ENTERED write sos-sync makes
        clients.call(
            lambda: http.values_batch_update(
                sid, {"valueInputOption": "USER_ENTERED", "data": formulas}
            ),
            f"the spreadsheet {sid} (the Dashboard chart's helper formulas)",
            share,
        )
        sent += 1
    return sent
