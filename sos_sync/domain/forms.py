"""The five forms: their fields, default question titles and allowed choices (SPEC §3).

A deployment maps its own question titles to these fields in configuration, so a
lead who rewords a question edits config, not code. Each field also has the header
it gets on the form's response tab of the tracker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FormKind = Literal["eoi", "audit", "signup", "application", "catchup"]
FORM_KINDS: tuple[FormKind, ...] = ("eoi", "audit", "signup", "application", "catchup")

RATINGS = ("Not started", "Developing", "Established", "Embedded")
PLEDGE_CHOICES = ("Yes", "No", "Not yet – planning to")
SLT_CHOICES = ("Yes", "In progress", "No")
YES_NO = ("Yes", "No")
STAGES = ("Action plan", "Draft application", "Final application and portfolio")
TOPICS = ("Audit", "Action plan", "Application", "Other")

FieldType = Literal["text", "urn", "email", "choice", "date", "checkbox", "multi", "url", "consent"]


@dataclass(frozen=True)
class Field:
    """One question of a form."""

    name: str
    title: str
    header: str
    type: FieldType = "text"
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class FormSpec:
    """One form: its kind, the tracker tab its responses go to and its fields."""

    kind: FormKind
    label: str
    tab: str
    inbox_file: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


_SCHOOL = Field("school", "School name", "School", required=True)
_URN = Field("urn", "School URN", "URN (as given)", "urn")


def criterion_title(code: str, title: str) -> str:
    """The audit question title for a criterion, e.g. `L1 staff and governors ...`."""
    return f"{code} {title}"


def _eoi() -> FormSpec:
    return FormSpec(
        "eoi",
        "Expression of interest",
        "EOI responses",
        "eoi.csv",
        (
            _SCHOOL,
            _URN,
            Field("contact_name", "Your name", "Contact name"),
            Field("contact_role", "Your role", "Contact role"),
            Field("contact_email", "Contact email", "Contact email", "email"),
            Field(
                "pledge",
                "Has your school signed the City of Sanctuary organisational pledge?",
                "Pledge signed?",
                "choice",
                PLEDGE_CHOICES,
            ),
            Field("pledge_date", "If yes, when was it signed?", "Pledge date", "date"),
            Field(
                "slt",
                "Do you have the support of your senior leadership team and governors?",
                "SLT support",
                "choice",
                SLT_CHOICES,
            ),
            Field(
                "newsletter",
                "Would you like to receive the Schools of Sanctuary newsletter?",
                "Newsletter",
                "choice",
                YES_NO,
            ),
            Field(
                "consent",
                "I agree to Coventry EMAS storing these details to support our "
                "Schools of Sanctuary journey",
                "Consent",
                "consent",
                required=True,
            ),
        ),
    )


def _audit(ratings: tuple[Field, ...]) -> FormSpec:
    return FormSpec(
        "audit",
        "Audit",
        "Audit responses",
        "audit.csv",
        (
            _SCHOOL,
            _URN,
            Field("contact_name", "Completed by", "Completed by"),
            Field("contact_email", "Contact email", "Contact email", "email"),
            *ratings,
            Field("notes_learn", "Evidence and notes – LEARN", "Notes – LEARN"),
            Field("notes_embed", "Evidence and notes – EMBED", "Notes – EMBED"),
            Field("notes_share", "Evidence and notes – SHARE", "Notes – SHARE"),
        ),
    )


def _signup() -> FormSpec:
    return FormSpec(
        "signup",
        "Event sign-up",
        "Event sign-ups",
        "signups.csv",
        (
            _SCHOOL,
            _URN,
            Field("attendee_name", "Your name", "Attendee name"),
            Field("attendee_email", "Your email", "Attendee email", "email"),
            Field("events", "Which events would you like to attend?", "Events", "checkbox"),
            Field("access_needs", "Access or dietary requirements", "Access needs"),
        ),
    )


def _application() -> FormSpec:
    return FormSpec(
        "application",
        "Application submission",
        "Applications",
        "applications.csv",
        (
            _SCHOOL,
            _URN,
            Field("contact_email", "Contact email", "Contact email", "email"),
            Field("stage", "What are you submitting?", "Submitting", "choice", STAGES),
            Field("link", "Link to your document or portfolio", "Link", "url"),
            Field("notes", "Anything you would like the panel to know?", "Notes for panel"),
        ),
    )


def _catchup() -> FormSpec:
    return FormSpec(
        "catchup",
        "Catch-up request",
        "Catch-up requests",
        "catchups.csv",
        (
            _SCHOOL,
            _URN,
            Field("contact_name", "Your name", "Contact name"),
            Field("contact_email", "Contact email", "Contact email", "email"),
            Field("topic", "What would you like to discuss?", "Topic", "choice", TOPICS),
            Field("preferred_dates", "Preferred dates or times", "Preferred dates"),
        ),
    )


def build_forms(criteria: tuple[tuple[str, str], ...]) -> dict[FormKind, FormSpec]:
    """The five forms with their default titles; audit ratings come from the criteria."""
    ratings = tuple(
        Field(f"rating_{code}", criterion_title(code, title), f"{code} rating", "choice", RATINGS)
        for code, title in criteria
    )
    return {
        "eoi": _eoi(),
        "audit": _audit(ratings),
        "signup": _signup(),
        "application": _application(),
        "catchup": _catchup(),
    }
