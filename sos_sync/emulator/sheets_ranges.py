"""Sheets batchUpdate requests on ranges: data validation, conditional formats, protected ranges, charts."""

from __future__ import annotations

import copy
import random
from typing import Any

from sos_sync.emulator import grid
from sos_sync.emulator.grid import Invalid, Kind
from sos_sync.emulator.state import State

OWNER = "owner@emulator.test"


def _set_data_validation(
    state: State, book: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    span = body.get("range") or {}
    sheet = grid.sheet_of(book, span)
    rule = body.get("rule")
    sheet["dataValidations"] = [v for v in sheet["dataValidations"] if v["range"] != span]
    if rule:
        condition = rule.get("condition") or {}
        if not condition.get("type"):
            raise Invalid("Data validation rule must have a condition type.")
        if condition["type"] == "ONE_OF_RANGE" and len(condition.get("values") or []) != 1:
            raise Invalid("ONE_OF_RANGE condition requires exactly one value.")
        sheet["dataValidations"].append({"range": span, "rule": rule})
    return {}


def _add_conditional_format(
    state: State, book: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    rule = body.get("rule") or {}
    ranges = rule.get("ranges") or []
    if not ranges:
        raise Invalid("Conditional format rule must have at least one range.")
    if not (rule.get("booleanRule") or rule.get("gradientRule")):
        raise Invalid("Conditional format rule must have a booleanRule or gradientRule.")
    sheet = grid.sheet_of(book, ranges[0])
    index = body.get("index") or 0
    sheet["conditionalFormats"].insert(min(index, len(sheet["conditionalFormats"])), rule)
    return {}


def _delete_conditional_format(
    state: State, book: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    sheet = grid.sheet_of(book, {"sheetId": body.get("sheetId", 0)})
    index = body.get("index") or 0
    if index >= len(sheet["conditionalFormats"]):
        raise Invalid(f"No conditional format on sheet {body.get('sheetId', 0)} at index {index}")
    rule = sheet["conditionalFormats"].pop(index)
    return {"deleteConditionalFormatRule": {"rule": rule}}


def _all_protected(book: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(s, p) for s in book["sheets"] for p in s["protectedRanges"]]


def _add_protected_range(
    state: State, book: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    protected = {k: v for k, v in (body.get("protectedRange") or {}).items() if v is not None}
    span = protected.get("range") or {}
    sheet = grid.sheet_of(book, span)
    if protected.get("warningOnly") and protected.get("editors"):
        raise Invalid("Editors cannot be set when warningOnly is true.")
    used = {p["protectedRangeId"] for _, p in _all_protected(book)}
    if protected.get("protectedRangeId") in used:
        raise Invalid(f"Protected range with id {protected['protectedRangeId']} already exists.")
    if protected.get("protectedRangeId") is None:
        protected["protectedRangeId"] = random.randint(1, 2_000_000_000)
    protected["range"] = {k: v for k, v in span.items() if v is not None}
    protected["requestingUserCanEdit"] = True
    if not protected.get("warningOnly"):
        editors = protected.setdefault("editors", {})
        users = [u for u in editors.get("users") or [] if u]
        if OWNER not in users:
            users.append(OWNER)
        editors["users"] = users
    sheet["protectedRanges"].append(protected)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(protected)}}


def _delete_protected_range(
    state: State, book: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    wanted = body.get("protectedRangeId")
    for sheet, protected in _all_protected(book):
        if protected["protectedRangeId"] == wanted:
            sheet["protectedRanges"].remove(protected)
            return {}
    raise Invalid(f"No protected range with id: {wanted}")


def _add_chart(state: State, book: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    chart = copy.deepcopy(body.get("chart") or {})
    if not chart.get("spec"):
        raise Invalid("chart.spec is required")
    anchor = ((chart.get("position") or {}).get("overlayPosition") or {}).get("anchorCell") or {}
    sheet_id = anchor.get("sheetId", (chart.get("position") or {}).get("sheetId", 0))
    sheet = grid.sheet_of(book, {"sheetId": sheet_id})
    chart.setdefault("chartId", random.randint(1, 2_000_000_000))
    sheet["charts"].append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


KINDS: dict[str, Kind] = {
    "setDataValidation": _set_data_validation,
    "addConditionalFormatRule": _add_conditional_format,
    "deleteConditionalFormatRule": _delete_conditional_format,
    "addProtectedRange": _add_protected_range,
    "deleteProtectedRange": _delete_protected_range,
    "addChart": _add_chart,
}
