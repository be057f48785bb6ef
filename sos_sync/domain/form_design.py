"""What each of the five forms should ask, question by question (SPEC §3, §7).

One design serves three uses: `forms create` builds the Google Forms from it, `forms sync`
keeps the sign-up form's event choices equal to the programme, and `forms print` turns it
into a checklist for building the forms by hand (Google Forms or Microsoft Forms).
Titles are the workspace's own (after its rewordings), so a form built from the design
maps back to the configuration with no mismatch; the sign-up form offers exactly the
`form_label`s of the programme events still to come.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sos_sync.domain.forms import FORM_KINDS, FormKind, FormSpec
from sos_sync.domain.programme import Programme

QuestionKind = Literal["short", "paragraph", "radio", "checkbox", "date"]

_PARAGRAPH = {"notes_learn", "notes_embed", "notes_share", "notes", "access_needs"}
_HELP = {
    "urn": "The school's 6-digit Unique Reference Number (find it on Get Information about Schools).",
    "contact_email": "We will send feedback and invitations to this address.",
    "attendee_email": "We will send the calendar invitation to this address.",
    "link": "A link the local leads can open (Google Drive, OneDrive or the school website).",
}
CONSENT_CHOICE = "I agree"


@dataclass(frozen=True)
class Question:
    """One question as a person sees it on the form."""

    field: str
    title: str
    kind: QuestionKind
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class FormDesign:
    """One form: its title and its questions in order."""

    kind: FormKind
    title: str
    questions: tuple[Question, ...]

    def question(self, field: str) -> Question:
        for q in self.questions:
            if q.field == field:
                return q
        raise KeyError(field)


def event_choices(programme: Programme, today: dt.date) -> tuple[str, ...]:
    """The sign-up form's event choices: the labels of events that have not ended yet.

    Events "on request" stay on offer; a month-only event stays until its month is over.
    """
    out: list[str] = []
    for event in programme.events:
        if not event.form_label:
            continue
        end = event.end_date if event.end_date is not None else event.start_date
        if event.precision == "month" and event.start:
            year, month = (int(p) for p in event.start.split("-")[:2])
            end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        if end is None or end >= today:
            out.append(event.form_label)
    return tuple(dict.fromkeys(out))


def _question(
    f_name: str, title: str, type_: str, required: bool, choices: tuple[str, ...]
) -> Question:
    help_text = _HELP.get(f_name, "")
    if type_ == "consent":
        return Question(f_name, title, "checkbox", True, (CONSENT_CHOICE,))
    if type_ == "choice":
        return Question(f_name, title, "radio", required, choices, help_text)
    if type_ == "checkbox":
        return Question(f_name, title, "checkbox", required, choices, help_text)
    if type_ == "date":
        return Question(f_name, title, "date", required, (), help_text)
    kind: QuestionKind = "paragraph" if f_name in _PARAGRAPH else "short"
    return Question(f_name, title, kind, required, (), help_text)


def design_form(spec: FormSpec, events: tuple[str, ...] = ()) -> FormDesign:
    """The design of one form from its spec (titles already reworded by the workspace)."""
    questions = tuple(
        _question(
            f.name,
            f.title,
            f.type,
            f.required,
            events if f.type == "checkbox" else f.choices,
        )
        for f in spec.fields
    )
    return FormDesign(spec.kind, spec.label, questions)


def design_forms(
    forms: dict[FormKind, FormSpec], programme: Programme, today: dt.date
) -> dict[FormKind, FormDesign]:
    """The five designs, the sign-up form offering the programme's events still to come."""
    events = event_choices(programme, today)
    return {kind: design_form(forms[kind], events) for kind in FORM_KINDS}
