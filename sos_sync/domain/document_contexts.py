"""What each kind of document is rendered from: the context models (SPEC §8).

The caller (the planner) builds plain data from the tracker and configuration; these
pydantic models validate it (extra keys are refused, so a typo in the caller is an error,
not a blank in a letter). Every kind has ``school`` (``urn``, ``name``, ``contact_name``),
``leads`` (the names signing), ``team``, ``team_email``, ``letterhead`` (``address``,
``logo``: a path to an image, both optional) and ``generated_on`` (passed in: the clock is
never read). Then:

- ``audit_feedback``: ``completed_on``, ``criteria`` (code, group, title, rating, actions,
  resources) and ``notes`` (learn, embed, share: the school's own words).
- ``application_feedback``: ``criteria`` (code, group, title, judgement, comment, actions,
  resources) and ``review`` (stage, overall, next_steps, panel_date, visit_date).
- ``award_letter`` and ``award_certificate``: ``award`` (awarded_on, renewal_due).
- ``reminder``: ``reason`` (stalled, renewal, consent, no_eoi), ``last_activity``,
  ``renewal_due``, ``next_action``.

``criteria_version`` is accepted for the record (it goes into the inputs hash) but no
template prints it: configuration never leaks into a letter.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

DOC_KINDS = (
    "audit_feedback",
    "application_feedback",
    "award_letter",
    "award_certificate",
    "reminder",
)
ReminderReason = Literal["stalled", "renewal", "consent", "no_eoi"]

Rating = Literal["Not started", "Developing", "Established", "Embedded"]
Judgement = Literal["Met", "Partly met", "Not yet met"]
Group = Literal["LEARN", "EMBED", "SHARE"]
ReviewStage = Literal["Draft application", "Final application and portfolio"]
Urn = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
Text = Annotated[str, StringConstraints(min_length=1)]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s<>\"]+@[^@\s<>\"]+$")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class School(_Model):
    """The school a document is for."""

    urn: Urn
    name: Text
    contact_name: str = ""


class Resource(_Model):
    """A resource suggested for a criterion (from the criteria configuration)."""

    title: Text
    url: HttpUrl


class AuditCriterion(_Model):
    """One criterion as the school rated it in its audit."""

    code: Text
    group: Group
    title: Text
    rating: Rating
    actions: list[str] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)


class AuditNotes(_Model):
    """The school's evidence and notes for each group of criteria."""

    learn: str = ""
    embed: str = ""
    share: str = ""


class ReviewCriterion(_Model):
    """One criterion as a local lead judged it in an application review."""

    code: Text
    group: Group
    title: Text
    judgement: Judgement
    comment: str = ""
    actions: list[str] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)


class Review(_Model):
    """A lead's review of a draft or final application."""

    stage: ReviewStage
    overall: str = ""
    next_steps: str = ""
    panel_date: dt.date | None = None
    visit_date: dt.date | None = None


class Award(_Model):
    """The award and when it is due for renewal."""

    awarded_on: dt.date
    renewal_due: dt.date


class Letterhead(_Model):
    """The team's letterhead: postal address (multi-line) and an optional logo image."""

    address: str = ""
    logo: str = ""


class CommonContext(_Model):
    school: School
    leads: list[Text] = Field(min_length=1)
    team: Text
    team_email: Email | None = None
    letterhead: Letterhead = Letterhead()
    generated_on: dt.date


class AuditFeedbackContext(CommonContext):
    """Context of `audit_feedback`."""

    completed_on: dt.date
    criteria_version: str = ""
    criteria: list[AuditCriterion] = Field(min_length=1)
    notes: AuditNotes


class ApplicationFeedbackContext(CommonContext):
    """Context of `application_feedback`."""

    criteria_version: str = ""
    criteria: list[ReviewCriterion] = Field(min_length=1)
    review: Review


class AwardLetterContext(CommonContext):
    """Context of `award_letter` and `award_certificate`."""

    award: Award


class ReminderContext(CommonContext):
    """Context of `reminder`: why, and the dates the letter mentions."""

    reason: ReminderReason
    last_activity: dt.date | None = None
    renewal_due: dt.date | None = None
    next_action: str = ""


CONTEXTS: dict[str, type[CommonContext]] = {
    "audit_feedback": AuditFeedbackContext,
    "application_feedback": ApplicationFeedbackContext,
    "award_letter": AwardLetterContext,
    "award_certificate": AwardLetterContext,
    "reminder": ReminderContext,
}
