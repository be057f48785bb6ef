"""Forms v1 writes: forms.create and forms.batchUpdate (createItem, updateItem, deleteItem,
moveItem, updateFormInfo).

Google's rules kept here: `forms.create` copies only `info.title` and `info.documentTitle`
(any item, description or setting in the body is a 400: a form is built by batchUpdate
afterwards); every batchUpdate that changes something moves `revisionId`;
`writeControl.requiredRevisionId` older than the form's revision is a 400; item and question
ids are made by the server when the request leaves them out; an update names what it
changes in `updateMask`. Responses keep the answers they were given when a question's
choices change, as on Google.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

from sos_sync.emulator.errors import ApiError, not_found
from sos_sync.emulator.request import Request

_KINDS = (
    "questionItem",
    "questionGroupItem",
    "pageBreakItem",
    "textItem",
    "imageItem",
    "videoItem",
)


def forms_create(req: Request) -> tuple[int, Any]:
    """POST /v1/forms: an empty form with a title (and document title) only."""
    body = req.json()
    info = dict(body.get("info") or {})
    extra = sorted(k for k in body if k not in ("info",))
    extra += sorted(f"info.{k}" for k in info if k not in ("title", "documentTitle"))
    if extra:
        raise ApiError(
            400,
            "Only info.title and info.document_title may be set when creating a form "
            f"(found {', '.join(extra)}). Add items with forms.batchUpdate.",
        )
    if not info.get("title"):
        raise ApiError(400, "A form needs info.title.")
    form_id = req.state.new_id(length=44)
    form: dict[str, Any] = {
        "formId": form_id,
        "info": {
            "title": info["title"],
            "documentTitle": info.get("documentTitle") or info["title"],
        },
        "settings": {"emailCollectionType": "DO_NOT_COLLECT", "quizSettings": {}},
        "items": [],
        "revisionId": "00000001",
        "responderUri": f"https://docs.google.com/forms/d/e/{form_id}/viewform",
        "responses": {},
    }
    req.state.forms[form_id] = form
    return 200, _public(form)


def forms_batch_update(req: Request) -> tuple[int, Any]:
    """POST /v1/forms/{formId}:batchUpdate"""
    form = req.state.forms.get(req.param("formId"))
    if form is None:
        raise not_found("forms")
    body = req.json()
    required = (body.get("writeControl") or {}).get("requiredRevisionId")
    if required and required != form["revisionId"]:
        raise ApiError(
            400,
            f"The required revision ID '{required}' is out of date; the form is at "
            f"'{form['revisionId']}'.",
            status="FAILED_PRECONDITION",
        )
    work = copy.deepcopy(form["items"])
    info = dict(form["info"])
    replies = []
    for number, request in enumerate(body.get("requests") or []):
        if not isinstance(request, dict) or len(request) != 1:
            raise ApiError(400, f"requests[{number}] must name exactly one kind of request.")
        ((kind, spec),) = request.items()
        replies.append(_apply(kind, spec or {}, work, info, number))
    if work != form["items"] or info != form["info"]:
        form["items"], form["info"] = work, info
        form["revisionId"] = f"{int(form['revisionId']) + 1:08d}"
    reply: dict[str, Any] = {
        "replies": replies,
        "writeControl": {"requiredRevisionId": form["revisionId"]},
    }
    if body.get("includeFormInResponse"):
        reply["form"] = _public(form)
    return 200, reply


def _apply(
    kind: str, spec: dict[str, Any], items: list[dict[str, Any]], info: dict[str, Any], n: int
) -> dict[str, Any]:
    if kind == "createItem":
        index = _index(spec, len(items) + 1, n)
        item = _new_item(spec.get("item") or {}, items, n)
        items.insert(index, item)
        return {"createItem": {"itemId": item["itemId"], "questionId": _question_ids(item)}}
    if kind == "updateItem":
        index = _index(spec, len(items), n)
        mask = [m.strip() for m in str(spec.get("updateMask") or "").split(",") if m.strip()]
        if not mask:
            raise ApiError(400, f"requests[{n}].updateItem needs an updateMask.")
        items[index] = _masked(items[index], spec.get("item") or {}, mask)
        return {}
    if kind == "deleteItem":
        del items[_index(spec, len(items), n)]
        return {}
    if kind == "moveItem":
        old = _index({"location": spec.get("originalLocation")}, len(items), n)
        new = _index({"location": spec.get("newLocation")}, len(items), n)
        items.insert(new, items.pop(old))
        return {}
    if kind == "updateFormInfo":
        mask = [m.strip() for m in str(spec.get("updateMask") or "").split(",") if m.strip()]
        for field in mask:
            if field not in ("title", "description", "documentTitle"):
                raise ApiError(400, f"requests[{n}].updateFormInfo cannot update `{field}`.")
            value = (spec.get("info") or {}).get(field)
            if value in (None, ""):
                info.pop(field, None)
            else:
                info[field] = value
        return {}
    raise ApiError(400, f"requests[{n}]: `{kind}` is not a request this emulator supports.")


def _index(spec: dict[str, Any], limit: int, n: int) -> int:
    location = spec.get("location") or {}
    index = location.get("index")
    if not isinstance(index, int) or not 0 <= index < max(limit, 1) or index >= limit:
        raise ApiError(400, f"requests[{n}]: location.index {index!r} is out of range.")
    return index


def _new_item(given: dict[str, Any], items: list[dict[str, Any]], n: int) -> dict[str, Any]:
    item = copy.deepcopy(given)
    if sum(1 for k in _KINDS if k in item) != 1:
        raise ApiError(400, f"requests[{n}].createItem.item must have exactly one item kind.")
    used = {qid for other in items for qid in _question_ids(other)}
    item.setdefault("itemId", secrets.token_hex(4))
    question = item.get("questionItem", {}).get("question")
    rows = item.get("questionGroupItem", {}).get("questions", [])
    for q in ([question] if question else []) + list(rows):
        q.setdefault("questionId", secrets.token_hex(4))
        if q["questionId"] in used:
            raise ApiError(400, f"requests[{n}]: question ID {q['questionId']} is in use.")
        used.add(q["questionId"])
    if question is not None:
        _check_question(question, n)
    return item


def _check_question(question: dict[str, Any], n: int) -> None:
    choice = question.get("choiceQuestion")
    if choice is None:
        return
    if choice.get("type") not in ("RADIO", "CHECKBOX", "DROP_DOWN"):
        raise ApiError(400, f"requests[{n}]: choiceQuestion.type must be set.")
    values = [o.get("value") for o in choice.get("options", []) if not o.get("isOther")]
    if not values:
        raise ApiError(400, f"requests[{n}]: a choice question needs at least one option.")
    if len(set(values)) != len(values):
        raise ApiError(400, f"requests[{n}]: duplicate option values are not allowed.")


def _masked(item: dict[str, Any], given: dict[str, Any], mask: list[str]) -> dict[str, Any]:
    out = copy.deepcopy(item)
    for path in mask:
        parts = path.split(".")
        source: Any = given
        for part in parts:
            source = source.get(part) if isinstance(source, dict) else None
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        if source is None:
            target.pop(parts[-1], None)
        else:
            target[parts[-1]] = copy.deepcopy(source)
    question = out.get("questionItem", {}).get("question")
    if question is not None:
        _check_question(question, 0)
    return out


def _question_ids(item: dict[str, Any]) -> list[str]:
    question = item.get("questionItem", {}).get("question")
    ids = [question["questionId"]] if question else []
    ids += [q["questionId"] for q in item.get("questionGroupItem", {}).get("questions", [])]
    return ids


def _public(form: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in form.items() if k != "responses"}


HANDLERS = {
    "forms.forms.create": forms_create,
    "forms.forms.batchUpdate": forms_batch_update,
}
