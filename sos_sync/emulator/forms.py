"""Forms v1: forms.get, responses.list (timestamp filter, 5,000 per page), responses.get.

Forms and responses are created through the admin API (`/_emulator/forms`), since the product
only reads them. Answers are keyed by questionId; a checkbox answer is several `answers[]`;
an edited response keeps its responseId and gets a newer `lastSubmittedTime`.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from sos_sync.emulator import forms_edit
from sos_sync.emulator.errors import ApiError, not_found
from sos_sync.emulator.request import Request
from sos_sync.emulator.state import State

MAX_PAGE = 5000
_FILTER = re.compile(
    r"\s*timestamp\s*(>=|>)\s*(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?Z\s*\Z"
)
_STAMP = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?Z\Z")


def submitted_now() -> str:
    """A lastSubmittedTime as Forms writes it (microseconds, `Z`)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def nanos(stamp: str) -> int:
    """An RFC 3339 `Z` timestamp as integer nanoseconds (keeps all 9 fraction digits)."""
    match = _STAMP.match(stamp)
    if not match:
        raise ValueError(f"not an RFC 3339 Zulu timestamp: {stamp}")
    whole = datetime.fromisoformat(match.group(1)).replace(tzinfo=UTC)
    fraction = (match.group(2) or ".")[1:].ljust(9, "0")
    return int(whole.timestamp()) * 1_000_000_000 + int(fraction or 0)


def _millis(stamp: str) -> str:
    """createTime precision: milliseconds (lastSubmittedTime carries more)."""
    match = _STAMP.match(stamp)
    if not match:
        raise ValueError(f"not an RFC 3339 Zulu timestamp: {stamp}")
    fraction = (match.group(2) or ".000")[:4].ljust(4, "0")
    return f"{match.group(1)}{fraction}Z"


def new_response_id() -> str:
    """A responseId shaped like Google's."""
    return "ACYDBN" + secrets.token_urlsafe(42).replace("-", "x").replace("_", "y")[:50]


# --------------------------------------------------------------------------------------------
# building forms from the admin API's compact description

_CHOICE = {"radio": "RADIO", "checkbox": "CHECKBOX", "dropdown": "DROP_DOWN"}


def _question(spec: dict[str, Any], question_id: str) -> dict[str, Any]:
    kind = spec.get("kind", "text")
    question: dict[str, Any] = {"questionId": question_id}
    if spec.get("required"):
        question["required"] = True
    if kind in ("text", "paragraph"):
        question["textQuestion"] = {"paragraph": True} if kind == "paragraph" else {}
    elif kind in _CHOICE:
        options: list[dict[str, Any]] = [{"value": str(v)} for v in spec.get("options", [])]
        if spec.get("other"):
            options.append({"isOther": True})
        question["choiceQuestion"] = {"type": _CHOICE[kind], "options": options}
    elif kind == "scale":
        question["scaleQuestion"] = {"low": spec.get("low", 1), "high": spec.get("high", 5)}
    elif kind == "date":
        question["dateQuestion"] = {
            "includeTime": bool(spec.get("includeTime")),
            "includeYear": spec.get("includeYear", True),
        }
    elif kind == "time":
        question["timeQuestion"] = {"duration": bool(spec.get("duration"))}
    elif kind == "file":
        question["fileUploadQuestion"] = {
            "folderId": spec.get("folderId", "uploads"),
            "maxFiles": 1,
        }
    else:
        raise ValueError(f"unknown question kind {kind!r}")
    return question


def build_form(state: State, spec: dict[str, Any]) -> dict[str, Any]:
    """Create a form from `{formId?, title, items: [{title, kind, questionId?, options?, rows?}]}`."""
    form_id = spec.get("formId") or state.new_id(length=44)
    if form_id in state.forms:
        raise ValueError(f"form {form_id} already exists")
    items = []
    used: set[str] = set()
    for spec_item in spec.get("items", []):
        item: dict[str, Any] = {"itemId": spec_item.get("itemId") or secrets.token_hex(4)}
        if spec_item.get("title") is not None:
            item["title"] = spec_item["title"]
        if spec_item.get("description"):
            item["description"] = spec_item["description"]
        kind = spec_item.get("kind", "text")
        if kind == "pageBreak":
            item["pageBreakItem"] = {}
        elif kind == "textItem":
            item["textItem"] = {}
        elif kind == "grid":
            rows = []
            for row in spec_item.get("rows", []):
                qid = row.get("questionId") or secrets.token_hex(4)
                used.add(qid)
                rows.append({"questionId": qid, "rowQuestion": {"title": row["title"]}})
            columns = {
                "type": "CHECKBOX" if spec_item.get("checkbox") else "RADIO",
                "options": [{"value": str(v)} for v in spec_item.get("options", [])],
            }
            item["questionGroupItem"] = {"questions": rows, "grid": {"columns": columns}}
        else:
            qid = spec_item.get("questionId") or secrets.token_hex(4)
            if qid in used:
                raise ValueError(f"duplicate questionId {qid}")
            used.add(qid)
            item["questionItem"] = {"question": _question(spec_item, qid)}
        items.append(item)
    title = spec.get("title", "Untitled form")
    form: dict[str, Any] = {
        "formId": form_id,
        "info": {"title": title, "documentTitle": spec.get("documentTitle", title)},
        "settings": {
            "emailCollectionType": spec.get("emailCollectionType", "DO_NOT_COLLECT"),
            "quizSettings": {},
        },
        "items": items,
        "revisionId": "00000001",
        "responderUri": f"https://docs.google.com/forms/d/e/{form_id}/viewform",
        "responses": {},
    }
    if spec.get("description"):
        form["info"]["description"] = spec["description"]
    if spec.get("linkedSheetId"):
        form["linkedSheetId"] = spec["linkedSheetId"]
    state.forms[form_id] = form
    return form


def question_ids(form: dict[str, Any]) -> dict[str, str]:
    """Every questionId, and every question title mapped to its id (for admin convenience)."""
    ids: dict[str, str] = {}
    for item in form["items"]:
        question = item.get("questionItem", {}).get("question")
        if question:
            ids[question["questionId"]] = question["questionId"]
            if item.get("title"):
                ids.setdefault(item["title"], question["questionId"])
        for row in item.get("questionGroupItem", {}).get("questions", []):
            ids[row["questionId"]] = row["questionId"]
            title = f"{item.get('title', '')} [{row['rowQuestion']['title']}]"
            ids.setdefault(title, row["questionId"])
    return ids


def _answers(form: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    ids = question_ids(form)
    out: dict[str, Any] = {}
    for key, value in given.items():
        if key not in ids:
            raise ValueError(f"form {form['formId']} has no question {key!r}")
        qid = ids[key]
        if isinstance(value, dict):  # already in Forms shape (e.g. fileUploadAnswers)
            out[qid] = {"questionId": qid, **{k: v for k, v in value.items() if k != "questionId"}}
            continue
        values = value if isinstance(value, list) else [value]
        if not values:
            continue
        out[qid] = {
            "questionId": qid,
            "textAnswers": {"answers": [{"value": str(v)} for v in values]},
        }
    return out


def add_response(state: State, form_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Store a new response (admin)."""
    form = state.forms.get(form_id)
    if form is None:
        raise KeyError(form_id)
    response_id = spec.get("responseId") or new_response_id()
    if response_id in form["responses"]:
        raise ValueError(f"response {response_id} already exists; edit it instead")
    submitted = spec.get("lastSubmittedTime") or spec.get("createTime") or submitted_now()
    created = spec.get("createTime") or _millis(submitted)
    nanos(submitted)
    nanos(created)
    response: dict[str, Any] = {
        "responseId": response_id,
        "createTime": created,
        "lastSubmittedTime": submitted,
        "answers": _answers(form, spec.get("answers", {})),
    }
    if spec.get("respondentEmail"):
        response["respondentEmail"] = spec["respondentEmail"]
    form["responses"][response_id] = response
    return response


def edit_response(
    state: State, form_id: str, response_id: str, spec: dict[str, Any]
) -> dict[str, Any]:
    """Edit a response: same responseId, answers replaced as given, a newer lastSubmittedTime."""
    form = state.forms.get(form_id)
    if form is None or response_id not in form["responses"]:
        raise KeyError(response_id)
    response = form["responses"][response_id]
    submitted = spec.get("lastSubmittedTime") or submitted_now()
    if nanos(submitted) <= nanos(response["lastSubmittedTime"]):
        raise ValueError("an edit must have a newer lastSubmittedTime")
    if "answers" in spec:
        changed = _answers(form, spec["answers"])
        response["answers"].update(changed)
        for key, value in spec["answers"].items():
            if value in ([], None, ""):
                response["answers"].pop(question_ids(form)[key], None)
    if "respondentEmail" in spec:
        response["respondentEmail"] = spec["respondentEmail"]
    response["lastSubmittedTime"] = submitted
    edited: dict[str, Any] = response
    return edited


def public_form(form: dict[str, Any]) -> dict[str, Any]:
    """A form as forms.get shows it."""
    return {k: v for k, v in form.items() if k != "responses"}


# --------------------------------------------------------------------------------------------
# endpoints


def _form(req: Request) -> dict[str, Any]:
    form = req.state.forms.get(req.param("formId"))
    if form is None:
        raise not_found("forms")
    return form  # type: ignore[no-any-return]


def forms_get(req: Request) -> tuple[int, Any]:
    """GET /v1/forms/{formId}"""
    return 200, public_form(_form(req))


def responses_list(req: Request) -> tuple[int, Any]:
    """GET /v1/forms/{formId}/responses?filter=timestamp >= T&pageSize=&pageToken="""
    form = _form(req)
    text = req.arg("filter") or ""
    keep = list(form["responses"].values())
    if text:
        match = _FILTER.match(text)
        if not match:
            raise ApiError(
                400,
                f"Invalid filter: {text}. Only 'timestamp > T' and 'timestamp >= T' "
                "with an RFC 3339 UTC time are supported.",
            )
        bound = nanos(match.group(2) + (match.group(3) or "") + "Z")
        if match.group(1) == ">":
            keep = [r for r in keep if nanos(r["lastSubmittedTime"]) > bound]
        else:
            keep = [r for r in keep if nanos(r["lastSubmittedTime"]) >= bound]
    size = req.integer("pageSize", 0)
    if size < 0:
        raise ApiError(400, "pageSize must not be negative.")
    size = MAX_PAGE if size == 0 else min(size, MAX_PAGE)
    offset = 0
    token = req.arg("pageToken")
    if token:
        try:
            data = json.loads(base64.urlsafe_b64decode(token.encode()))
            offset = int(data["o"])
            if data["f"] != text or data["id"] != form["formId"]:
                raise ValueError("page token of another query")
        except (ValueError, KeyError, TypeError) as exc:
            raise ApiError(400, "Invalid page token.") from exc
    chunk = keep[offset : offset + size]
    reply: dict[str, Any] = {}
    if chunk:
        reply["responses"] = [dict(r) for r in chunk]
    if offset + size < len(keep):
        raw = json.dumps({"o": offset + size, "f": text, "id": form["formId"]}).encode()
        reply["nextPageToken"] = base64.urlsafe_b64encode(raw).decode()
    return 200, reply


def responses_get(req: Request) -> tuple[int, Any]:
    """GET /v1/forms/{formId}/responses/{responseId}"""
    form = _form(req)
    response = form["responses"].get(req.param("responseId"))
    if response is None:
        raise not_found("forms")
    return 200, {"formId": form["formId"], **response}


HANDLERS = {
    "forms.forms.get": forms_get,
    "forms.forms.responses.list": responses_list,
    "forms.forms.responses.get": responses_get,
    **forms_edit.HANDLERS,
}
