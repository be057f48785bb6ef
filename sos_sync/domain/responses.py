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

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC

Answer = str | tuple[str, ...]


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

    @property
    def kind(self) -> FormKind:
        return self.raw.kind

    @property
    def key(self) -> str:
        return self.raw.response_id

    @property
    def day(self) -> dt.date | None:
        return self.submitted.astimezone(LONDON).date() if self.submitted else None


# ---------------------------------------------------------------- timestamps

_FORMS_CSV = re.compile(
    r"^(\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AP]M)?"
    r"(?: ?GMT(?:([+-])(\d{1,2})(?::?(\d{2}))?)?)?$",
    re.I,
)
_EN_GB = re.compile(
    r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2}),? (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AP]M)?$", re.I
)


def _hour(h: str, ampm: str | None) -> int:
    if not ampm:
        return int(h)
    return int(h) % 12 + (12 if ampm.upper() == "PM" else 0)


def _wall_time(y: int, mo: int, d: int, h: int, mi: int, se: int) -> dt.datetime | None:
    """London wall-clock time (what an export shows without a zone) as UTC, or None."""
    try:
        return dt.datetime(y, mo, d, h, mi, se, tzinfo=LONDON).astimezone(UTC)
    except ValueError:
        return None


def parse_timestamp(text: str) -> dt.datetime | None:
    """Parse every timestamp form of SPEC §3 into an aware UTC datetime, or None.

    RFC 3339 (Forms API), `YYYY/MM/DD h:mm:ss AM/PM GMT[±H]` (Forms CSV download) and
    `DD/MM/YYYY HH:MM:SS` (en-GB linked sheets, Europe/London local time), and the
    forms an export takes when re-saved in Excel: `20/06/2025 10:00` (no seconds),
    `20.06.2025 10:00`, two-digit years, 12-hour clocks, the Forms CSV form without its
    zone. A time without a zone is London wall-clock time.
    """
    s = text.strip()
    if not s:
        return None
    m = _FORMS_CSV.match(s)
    if m:
        y, mo, d, h, mi, se, ampm, sign, oh, om = m.groups()
        if int(h) > (12 if ampm else 23):
            return None
        if "GMT" not in s.upper():
            return _wall_time(int(y), int(mo), int(d), _hour(h, ampm), int(mi), int(se or 0))
        offset = dt.timedelta(hours=int(oh or 0), minutes=int(om or 0))
        if sign == "-":
            offset = -offset
        try:
            local = dt.datetime(int(y), int(mo), int(d), _hour(h, ampm), int(mi), int(se or 0))
        except ValueError:
            return None
        return (local - offset).replace(tzinfo=UTC)
    m = _EN_GB.match(s)
    if m:
        d, _, mo, y, h, mi, se, ampm = m.groups()
        if int(h) > (12 if ampm else 23):
            return None
        year = int(y) + 2000 if len(y) == 2 else int(y)
        return _wall_time(year, int(mo), int(d), _hour(h, ampm), int(mi), int(se or 0))
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


_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}


def parse_day(text: str) -> dt.date | None:
    """Parse a date a person typed or a form gave: ISO, DD/MM/YYYY, `14 July 2025`, serials."""
    s = text.strip()
    if not s:
        return None
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$", s)
    if m:
        y, mo, d = map(int, m.groups())
    else:
        m = re.match(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$", s)
        if m:
            d, mo, y = map(int, m.groups())
            y = y + 2000 if y < 100 else y
        else:
            m = re.match(r"^(?:[A-Za-z]+,? )?(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]+),? (\d{4})$", s)
            if not m or m.group(2).lower() not in _MONTHS:
                return None
            d, mo, y = int(m.group(1)), _MONTHS[m.group(2).lower()], int(m.group(3))
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


# ---------------------------------------------------------------- values

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "’": "'", "‘": "'"})


def clean_text(text: str) -> str:
    """Form text without characters no spreadsheet can hold (NUL and other controls)."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text.strip()


def normalise_email(text: str) -> str | None:
    s = text.strip()
    if not s or not _EMAIL.match(s):
        return None
    local, _, domain = s.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_urn(text: str) -> str | None:
    s = re.sub(r"\s+", "", text)
    if re.fullmatch(r"[1-9]\d{5}", s):
        return s
    return None


@functools.lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    return " ".join(text.translate(_DASHES).split()).casefold()


@functools.lru_cache(maxsize=256)
def _choice_index(choices: tuple[str, ...]) -> dict[str, str]:
    return {_fold(c): c for c in choices}


def match_choice(value: str, choices: tuple[str, ...]) -> str | None:
    """The choice a value names, forgiving case, spacing and dash style."""
    return _choice_index(choices).get(_fold(value))


@functools.lru_cache(maxsize=16384)
def split_checkbox(value: Answer, labels: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Split a checkbox answer into known labels and unknown parts.

    The Forms API gives one entry per ticked option; a CSV export joins them with
    ", ", which is ambiguous when a label itself contains ", " — so known labels are
    matched whole first.
    """
    parts = list(value) if isinstance(value, tuple) else [value]
    known: list[str] = []
    unknown: list[str] = []
    by_fold = _choice_index(labels)
    for part in parts:
        rest = part.strip()
        if not rest:
            continue
        if _fold(rest) in by_fold:
            known.append(by_fold[_fold(rest)])
            continue
        # greedy: longest known label at the start, then ", "
        pieces = rest.split(", ")
        i = 0
        while i < len(pieces):
            for j in range(len(pieces), i, -1):
                cand = _fold(", ".join(pieces[i:j]))
                if cand in by_fold:
                    known.append(by_fold[cand])
                    i = j
                    break
            else:
                if pieces[i].strip():
                    unknown.append(pieces[i].strip())
                i += 1
    return list(dict.fromkeys(known)), unknown


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
        return
    if f.type == "consent":
        resp.consent = bool(text) and _fold(text) not in ("no", "false", "0")
        if not resp.consent:
            problem(
                "no_consent",
                "The school did not tick the consent box, so its contact details were not stored. "
                "Contact the school to ask for consent, then ask them to resubmit.",
            )
        resp.values[f.name] = "Yes" if resp.consent else "No"
        return
    if not text:
        resp.values[f.name] = ""
        return
    if f.type == "urn":
        urn = normalise_urn(text)
        resp.values[f.name] = urn or ""
        if urn is None:
            resp.values["urn_malformed"] = text
    elif f.type == "email":
        email = normalise_email(text)
        resp.values[f.name] = email or ""
        if email is None:
            problem(
                "bad_email",
                f"The e-mail address `{text}` is not a valid address; the school's contact was "
                "not changed. Check it with the school.",
                text,
            )
    elif f.type == "choice":
        choice = match_choice(text, f.choices)
        resp.values[f.name] = choice or ""
        if choice is None:
            problem(
                "bad_choice",
                f"`{text}` for {f.header} is not one of {' / '.join(f.choices)}. "
                "Fix the form's choices or map it in config.",
                text,
            )
    elif f.type == "date":
        day = parse_day(text)
        resp.values[f.name] = day.isoformat() if day else ""
        if day is None:
            problem(
                "bad_date",
                f"`{text}` for {f.header} is not a date this tool can read (use 14/07/2025).",
                text,
            )
    else:
        resp.values[f.name] = text


def csv_response_id(kind: str, timestamp: str, email: str, school: str, urn: str) -> str:
    """A stable id for a CSV row: a hash of its timestamp, e-mail and school fields."""
    text = "\x1f".join(
        (kind, timestamp.strip(), email.strip().lower(), school.strip(), urn.strip())
    )
    return "csv-" + hashlib.sha256(text.encode()).hexdigest()[:20]
