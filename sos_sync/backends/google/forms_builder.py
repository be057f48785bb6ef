"""Build and keep the five Google Forms from their designs (Forms v1 create + batchUpdate).

Google's rule: `forms.create` takes a title only; questions are added afterwards with one
`forms.batchUpdate`. A form is matched to its design question by question, by title (folded
as the response reader folds it), so:

- a question the design has and the form lacks is added at the end;
- the sign-up form's event choices are set to the design's (the programme's events still
  to come): new events added, past or removed ones taken off, renamed labels updated;
- a question a lead added, and every other question's wording and choices, are left alone.

A form create is never resent blind: its reply lost, the caller cannot know whether the
form exists, so it is sent once (`retry=False`) and an unknown outcome is the caller's to
report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.local.inbox import fold_title
from sos_sync.domain.form_design import FormDesign, Question

OPTIONS_MASK = "questionItem.question.choiceQuestion.options"
_CHOICE_TYPE = {"radio": "RADIO", "checkbox": "CHECKBOX"}


def to_item(q: Question) -> dict[str, Any]:
    """A design question as a Forms API Item."""
    question: dict[str, Any] = {"required": q.required}
    if q.kind in _CHOICE_TYPE:
        question["choiceQuestion"] = {
            "type": _CHOICE_TYPE[q.kind],
            "options": [{"value": c} for c in q.choices],
        }
    elif q.kind == "date":
        question["dateQuestion"] = {"includeYear": True, "includeTime": False}
    else:
        question["textQuestion"] = {"paragraph": q.kind == "paragraph"}
    item: dict[str, Any] = {"title": q.title, "questionItem": {"question": question}}
    if q.help:
        item["description"] = q.help
    return item


def _options(item: dict[str, Any]) -> tuple[str, ...] | None:
    choice = item.get("questionItem", {}).get("question", {}).get("choiceQuestion")
    if choice is None:
        return None
    return tuple(str(o["value"]) for o in choice.get("options", []) if "value" in o)


@dataclass(frozen=True)
class FormChanges:
    """What one form needs: the batchUpdate requests and a line per change for people."""

    requests: tuple[dict[str, Any], ...]
    lines: tuple[str, ...]
    # the synced question's choices as the form has them, and as the design wants them
    # (set only when they differ)
    choices: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    # no event is to come, and a choice question needs one option at least: the synced
    # question keeps these choices (events that are over) until the programme has more
    left_on: tuple[str, ...] = ()


def changes(form: dict[str, Any], design: FormDesign, keep_choices: frozenset[str]) -> FormChanges:
    """The requests that bring `form` to `design` (see the module docstring).

    `keep_choices`: the fields whose choices must equal the design's (the sign-up events).
    """
    items = list(form.get("items", []))
    by_title = {fold_title(str(i.get("title", ""))): (n, i) for n, i in enumerate(items)}
    requests: list[dict[str, Any]] = []
    lines: list[str] = []
    synced: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    left_on: tuple[str, ...] = ()
    added = 0
    for q in design.questions:
        found = by_title.get(fold_title(q.title))
        none_to_offer = q.field in keep_choices and not q.choices
        if found is None and none_to_offer:
            lines.append(f"not yet the question `{q.title}`: no event is to come")
            continue
        if found is None:
            requests.append(
                {"createItem": {"item": to_item(q), "location": {"index": len(items) + added}}}
            )
            added += 1
            lines.append(f"add the question `{q.title}`")
            if q.field in keep_choices:
                synced = ((), q.choices)
            continue
        index, item = found
        have = _options(item)
        if none_to_offer and have:
            left_on = have
            lines.append(f"`{q.title}`: no event is to come, so its choices are left as they are")
            continue
        if q.field in keep_choices and have is not None and have != q.choices:
            new = to_item(q)
            new["questionItem"]["question"]["choiceQuestion"]["type"] = item["questionItem"][
                "question"
            ]["choiceQuestion"]["type"]
            requests.append(
                {
                    "updateItem": {
                        "item": new,
                        "location": {"index": index},
                        "updateMask": OPTIONS_MASK,
                    }
                }
            )
            synced = (have, q.choices)
            gone = [c for c in have if c not in q.choices]
            came = [c for c in q.choices if c not in have]
            if came:
                lines.append(f"`{q.title}`: offer " + ", ".join(f"`{c}`" for c in came))
            if gone:
                lines.append(f"`{q.title}`: no longer offer " + ", ".join(f"`{c}`" for c in gone))
            if not came and not gone:
                lines.append(f"`{q.title}`: put the choices in programme order")
    return FormChanges(tuple(requests), tuple(lines), synced, left_on)


class FormsApi:
    """The three Forms calls `forms create` / `forms sync` make, under the retry policy."""

    def __init__(self, clients: GoogleClients) -> None:
        self.clients = clients

    def get(self, form_id: str) -> dict[str, Any]:
        forms = self.clients.service("forms")
        got: dict[str, Any] = self.clients.call(
            lambda: forms.forms().get(formId=form_id).execute(),
            f"the form {form_id}",
            f"the form {form_id} (add it as a collaborator: Editor)",
        )
        return got

    def create(self, title: str) -> str:
        """A new empty form; sent once, never retried (a lost reply must not make two)."""
        forms = self.clients.service("forms")
        made: dict[str, Any] = self.clients.call(
            lambda: forms.forms().create(body={"info": {"title": title}}).execute(),
            f"a new form `{title}`",
            retry=False,
        )
        return str(made["formId"])

    def update(self, form_id: str, requests: tuple[dict[str, Any], ...], revision: str) -> None:
        forms = self.clients.service("forms")
        body = {"requests": list(requests), "writeControl": {"requiredRevisionId": revision}}
        self.clients.call(
            lambda: forms.forms().batchUpdate(formId=form_id, body=body).execute(),
            f"the form {form_id}",
            f"the form {form_id} (add it as a collaborator: Editor)",
        )
