"""A form's linked response tab (SPEC §3): the "Form responses N" tab Google Forms keeps.

Read with UNFORMATTED_VALUE / SERIAL_NUMBER so the Timestamp is a serial day number in
the spreadsheet's time zone (research gotcha 13), whatever the sheet's locale shows;
columns are matched to questions by title like the CSV reader; a checkbox cell keeps its
", "-joined text for the core to split; the response id is a stable hash of the row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sos_sync.backends.base import ResponsesRead
from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.tabs import quote_tab
from sos_sync.backends.local.inbox import match_header
from sos_sync.config.load import Config
from sos_sync.domain.forms import FormKind, FormSpec
from sos_sync.domain.responses import Answer, RawResponse, csv_response_id
from sos_sync.tracker.schema import cell_text

UTC = dt.UTC
_SHEETS_EPOCH = dt.datetime(1899, 12, 30)


def serial_time(value: object, zone: ZoneInfo) -> str:
    """A Timestamp cell read as SERIAL_NUMBER (days since 1899-12-30, sheet time) -> RFC 3339."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return cell_text(value)
    local = _SHEETS_EPOCH + dt.timedelta(days=float(value))
    local = local.replace(microsecond=0) + dt.timedelta(seconds=round(local.microsecond / 1e6))
    return local.replace(tzinfo=zone).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def tab_responses(
    spec: FormSpec, values: list[list[Any]], zone: ZoneInfo, where: str
) -> list[RawResponse]:
    """Rows of a linked response tab (UNFORMATTED_VALUE) as RawResponses; ValueError if a question is missing."""
    if not values:
        return []
    header = [cell_text(h) for h in values[0]]
    ts_col, email_col, columns = match_header(header, spec, where, "is it a form's response tab?")
    dates = {f.name for f in spec.fields if f.type == "date"}
    out: list[RawResponse] = []
    for n, row in enumerate(values[1:], start=2):

        def cell(i: int | None, row: list[Any] = row) -> Any:
            return row[i] if i is not None and i < len(row) else ""

        if not any(cell_text(c).strip() for c in row):
            continue
        answers: dict[str, Answer] = {}
        for name, i in columns.items():
            v = cell(i)
            if name in dates and isinstance(v, (int, float)) and not isinstance(v, bool):
                answers[name] = (_SHEETS_EPOCH + dt.timedelta(days=float(v))).date().isoformat()
            else:
                answers[name] = cell_text(v)
        ts = serial_time(cell(ts_col), zone)
        email = cell_text(cell(email_col))
        rid = csv_response_id(
            spec.kind, ts, email, str(answers.get("school", "")), str(answers.get("urn", ""))
        )
        out.append(RawResponse(spec.kind, rid, ts, email.strip(), answers, f"{where} row {n}"))
    return out


def read_response_tabs(
    config: Config, clients: GoogleClients, kinds: list[FormKind], result: ResponsesRead
) -> None:
    """The linked response tabs of `kinds` (one metadata read, one batchGet) into `result`."""
    sid = config.raw.google.spreadsheet_id
    http = clients.sheets
    share = f"the spreadsheet {sid} as Editor"
    meta = clients.call(
        lambda: http.fetch_sheet_metadata(
            sid, {"fields": "properties.timeZone,sheets.properties.title"}
        ),
        f"the spreadsheet {sid}",
        share,
    )
    zone = ZoneInfo(str(meta.get("properties", {}).get("timeZone") or "Europe/London"))
    titles = {str(s["properties"]["title"]) for s in meta.get("sheets", [])}
    wanted: list[FormKind] = []
    for kind in kinds:
        tab = config.form_settings[kind].response_tab
        if tab not in titles:
            result.failed[kind] = (
                f"The {config.forms[kind].label.lower()} form's response tab `{tab}` is not "
                f"in the spreadsheet {sid}. Nothing from this form was written. Check "
                f"forms.{kind}.response_tab in sos-sync.toml (tabs are named like "
                "`Form responses 1`)."
            )
        else:
            wanted.append(kind)
    if not wanted:
        return
    ranges = [quote_tab(config.form_settings[k].response_tab) for k in wanted]
    reply = clients.call(
        lambda: http.values_batch_get(
            sid,
            ranges,
            {
                "majorDimension": "ROWS",
                "valueRenderOption": "UNFORMATTED_VALUE",
                "dateTimeRenderOption": "SERIAL_NUMBER",
            },
        ),
        f"the response tabs of the spreadsheet {sid}",
        share,
    )
    for kind, vr in zip(wanted, reply.get("valueRanges", []), strict=False):
        tab = config.form_settings[kind].response_tab
        try:
            result.responses[kind] = tab_responses(
                config.forms[kind], vr.get("values", []), zone, f"tab `{tab}`"
            )
        except ValueError as exc:
            result.failed[kind] = str(exc)
