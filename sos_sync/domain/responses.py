"""Form responses: the raw record every source produces, and its normalisation (SPEC §3).

Sources (CSV exports, the Forms API, a linked response tab) all produce `RawResponse`:
answers keyed by field name, exactly as the respondent gave them. `normalise` turns
one into a `Response` with validated values and a list of problems in plain words;
nothing is dropped, a bad value becomes a `Needs review` row.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sos_sync.domain.forms import Field, FormKind, FormSpec
from sos_sync.domain.values import (  # re-exported: they were first defined here
    Answer as Answer,
)
from sos_sync.domain.values import (
    clean_text as clean_text,
)
from sos_sync.domain.values import (
    fold as fold,
)
from sos_sync.domain.values import (
    match_choice as match_choice,
)
from sos_sync.domain.values import (
    normalise_email as normalise_email,
)
from sos_sync.domain.values import (
    normalise_urn as normalise_urn,
)
from sos_sync.domain.values import (
    parse_day as parse_day,
)
from sos_sync.domain.values import (
    parse_form_date as parse_form_date,
)
from sos_sync.domain.values import (
    split_checkbox as split_checkbox,
)

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


@dataclass(frozen=True)
class RawResponse:
    """One response as a source gave it."""

    kind: FormKind
    response_id: str
    submitted_raw: str
    email: str
    answers: dict[str, Answer]
    source: str = ""
    aliases: tuple[
        str, ...
    ] = ()  # ids an older version gave this response (tracker rows keep them)


@dataclass(frozen=True)
class Problem:
    """Something a person must look at; becomes a `Needs review` row."""

    code: str
    reason: str
    value: str = ""
    school: str = ""
    urn: str = ""
    source_key: str = ""
    form: str = ""
    candidates: str = ""

    @property
    def key(self) -> str:
        text = "|".join((self.code, self.form, self.source_key, self.value, self.urn))
        return "P-" + hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass
class Response:
    """A normalised response: valid values, and what was wrong with the rest."""

    raw: RawResponse
    submitted: dt.datetime | None
    values: dict[str, object] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    urn: str = ""  # the school it joined, once identity is resolved
    consent: bool = True
    # the raw response's form and id, as plain attributes: the plan reads them very often
    kind: FormKind = field(init=False, repr=False)
    key: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.kind, self.key = self.raw.kind, self.raw.response_id

    @functools.cached_property
    def local(self) -> dt.datetime | None:  # London's wall time, worked out once
        return self.submitted.astimezone(LONDON) if self.submitted else None

    @functools.cached_property
    def day(self) -> dt.date | None:  # worked out once: the plan asks for it many times
        local = self.local
        return local.date() if local else None


# ---------------------------------------------------------------- timestamps

_FORMS_CSV = re.compile(
    r"^(\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AP]M)?"
    r"(?: ?(GMT)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?)?$",
    re.I,
)
_EN_GB = re.compile(
    r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2}),? (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AP]M)?$", re.I
)


def _moment(
    ymdhms: tuple[str, str, str, str, str, str | None],
    ampm: str | None,
    offset: dt.timedelta | None,
) -> dt.datetime | None:
    """A wall time read from text (London's, or `offset` from UTC) as UTC; None if no such time."""
    y, mo, d, h, mi, se = ymdhms
    hour = int(h)
    if hour > (12 if ampm else 23):
        return None
    if ampm:
        hour = hour % 12 + (12 if ampm.upper() == "PM" else 0)
    try:
        local = dt.datetime(int(y), int(mo), int(d), hour, int(mi), int(se) if se else 0)
    except ValueError:
        return None
    if offset is None:
        return local.replace(tzinfo=LONDON).astimezone(UTC)
    return (local - offset).replace(tzinfo=UTC)


@functools.lru_cache(maxsize=64)
def _offset(sign: str | None, hours: str | None, minutes: str | None) -> dt.timedelta:
    """`GMT+1`, `GMT-03:30`: the offset from UTC (a handful of them in any export)."""
    offset = dt.timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    return -offset if sign == "-" else offset


@functools.lru_cache(maxsize=65536)
def parse_timestamp(text: str) -> dt.datetime | None:
    """Parse every timestamp form of SPEC §3 into an aware UTC datetime, or None.

    RFC 3339 (Forms API), `YYYY/MM/DD h:mm:ss AM/PM GMT[±H]` (Forms CSV download),
    `DD/MM/YYYY HH:MM:SS` (en-GB sheets) and what Excel makes of them on a re-save
    (`20/06/2025 10:00`, `20.06.25 10:00`, no zone: London wall-clock time).
    Memoised: a night parses each response's time several times (datetimes are immutable).
    """
    s = text.strip()
    if not s:
        return None
    m = _FORMS_CSV.match(s)
    if m:
        y, mo, d, h, mi, se, ampm, gmt, sign, oh, om = m.groups()
        offset = None
        if gmt:
            offset = _offset(sign, oh, om)
        return _moment((y, mo, d, h, mi, se), ampm, offset)
    m = _EN_GB.match(s)
    if m:
        d, _, mo, y, h, mi, se, ampm = m.groups()
        return _moment((f"20{y}" if len(y) == 2 else y, mo, d, h, mi, se), ampm, None)
    try:
        parsed = dt.datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s)
    except ValueError:
        # nanosecond fractions: keep microseconds
        m2 = re.match(r"^(.*\.\d{6})\d+(Z|[+-]\d{2}:\d{2})$", s)
        if not m2:
            return None
        return parse_timestamp(m2.group(1) + m2.group(2))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LONDON)
    return parsed.astimezone(UTC)


_EMAIL_OTHER = "Check it with the school."
_EMAIL_EFFECT = {
    "contact_email": "The rest of the response counts, but it does not change the school's "
    "contact. Check the address with the school.",
    "attendee_email": "The sign-up still counts, but nobody is invited to the calendar event "
    "for it. Check the address with the school.",
}


def normalise(raw: RawResponse, spec: FormSpec, event_labels: tuple[str, ...] = ()) -> Response:
    """Validate one raw response; every bad value becomes a Problem, never an exception."""
    submitted = parse_timestamp(raw.submitted_raw)
    resp = Response(raw=raw, submitted=submitted)
    school = clean_text(_as_text(raw.answers.get("school", "")))
    urn_given = clean_text(_as_text(raw.answers.get("urn", "")))

    def problem(code: str, reason: str, value: str = "") -> None:
        resp.problems.append(
            Problem(
                code=code,
                reason=reason,
                value=value,
                school=school,
                urn=urn_given,
                source_key=raw.response_id,
                form=spec.label,
            )
        )

    if submitted is None:
        problem(
            "bad_timestamp",
            f"The submitted time `{raw.submitted_raw}` is not a date and time this tool can read; "
            "the response is kept as it came but counts towards no milestone. Check the export's "
            "Timestamp column.",
            raw.submitted_raw,
        )
    for f in spec.fields:
        answer = raw.answers.get(f.name, "")
        _normalise_field(resp, f, answer, event_labels, problem)
    if not school and not resp.values.get("urn"):
        problem(
            "no_school",
            "The response names no school and no URN, so it cannot be joined to a school.",
        )
    if not resp.consent:
        # SPEC §6.4: one row naming the school; no other value of the response anywhere
        resp.problems[:] = [p for p in resp.problems if p.code == "no_consent"]
    return resp


def _as_text(answer: Answer) -> str:
    return ", ".join(answer) if isinstance(answer, tuple) else answer


def _normalise_field(
    resp: Response,
    f: Field,
    answer: Answer,
    labels: tuple[str, ...],
    problem: Callable[..., None],
) -> None:
    text = clean_text(_as_text(answer))
    if f.type == "checkbox":
        known, unknown = split_checkbox(answer, labels)
        resp.values[f.name] = tuple(known)
        for u in unknown:
            problem(
                "unknown_event",
                f"`{u}` is not an event in the programme; the other choices were kept. "
                "Add the event to the programme or correct the form's choices.",
                u,
            )
    elif f.type == "consent":
        resp.consent = bool(text) and fold(text) not in ("no", "false", "0")
        if not resp.consent:
            problem(
                "no_consent",
                "The school did not tick the consent box, so its contact details were not stored. "
                "Contact the school to ask for consent, then ask them to resubmit.",
            )
        resp.values[f.name] = "Yes" if resp.consent else "No"
    elif not text:
        resp.values[f.name] = ""
        _blank(f, problem)
    elif f.type == "urn":
        urn = normalise_urn(text)
        resp.values[f.name] = urn or ""
        if urn is None:
            resp.values["urn_malformed"] = text
    else:
        resp.values[f.name] = _value(f, text, problem)


def _blank(f: Field, problem: Callable[..., None]) -> None:
    """A blank answer is no answer (SPEC §6.4), except an e-mail address or an audit rating."""
    if f.type == "email":
        problem(
            "no_email",
            f"No address was given for {f.header}. {_EMAIL_EFFECT.get(f.name, _EMAIL_OTHER)}",
        )
    elif f.name.startswith("rating_"):
        problem(
            "missing_rating",
            f"{f.header} was left blank, so the audit counts towards nothing (every "
            f"criterion needs one of {' / '.join(f.choices)}). Ask the school to complete it.",
        )


def _value(f: Field, text: str, problem: Callable[..., None]) -> str:
    """A typed answer as stored: the normalised value, or "" and a problem when it is bad."""
    if f.type == "email":
        email = normalise_email(text)
        if email is None:
            problem(
                "bad_email",
                f"The e-mail address `{text}` for {f.header} is not a valid address. "
                f"{_EMAIL_EFFECT.get(f.name, _EMAIL_OTHER)}",
                text,
            )
        return email or ""
    if f.type == "choice":
        choice = match_choice(text, f.choices)
        if choice is None:
            problem(
                "bad_choice",
                f"`{text}` for {f.header} is not one of {' / '.join(f.choices)}"
                + (", so the audit counts towards nothing" if f.name.startswith("rating_") else "")
                + ". Fix the form's choices or map it in config.",
                text,
            )
        return choice or ""
    if f.type == "date":
        day = parse_form_date(text)
        if day is None:
            problem(
                "bad_date",
                f"`{text}` for {f.header} is not a date this tool can read (use 14/07/2025); "
                "the response's own date was used instead.",
                text,
            )
        return day.isoformat() if day else ""
    return text


def csv_response_id(kind: str, timestamp: str, email: str, school: str, urn: str) -> str:
    """A stable id for a CSV row: a hash of its timestamp, e-mail and school fields."""
    text = "\x1f".join(
        (kind, timestamp.strip(), email.strip().lower(), school.strip(), urn.strip())
    )
    return "csv-" + hashlib.sha256(text.encode()).hexdigest()[:20]
