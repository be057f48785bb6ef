"""Values a person typed in a form: dates, e-mail addresses, URNs, choices and checkboxes
(SPEC §3, §6.4). Each parser returns the value or None; it never raises."""

from __future__ import annotations

import datetime as dt
import functools
import re

Answer = str | tuple[str, ...]

MONTHS = {
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
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$", s) or re.match(
        r"^(\d{4})/(\d{1,2})/(\d{1,2})$", s
    )
    if m:
        y, mo, d = map(int, m.groups())
    else:
        m = re.match(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$", s)
        if m:
            d, mo, y = map(int, m.groups())
            y = y + 2000 if y < 100 else y
        else:
            m = re.match(r"^(?:[A-Za-z]+,? )?(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]+),? (\d{4})$", s)
            if not m or m.group(2).lower() not in MONTHS:
                return None
            d, mo, y = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


_FORM_DATES = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), (3, 2, 1)),
)
_LONG_DATE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]+),? (\d{4})$")


def parse_form_date(text: str) -> dt.date | None:
    """A date typed in a form (SPEC §6.4): `YYYY-MM-DD`, `YYYY/MM/DD`, `DD/MM/YYYY` or
    `D Month YYYY`; anything else (two-digit years, `03.04.25`) is unreadable: None."""
    s = " ".join(text.split())
    for pattern, (yi, mi, di) in _FORM_DATES:
        m = pattern.match(s)
        if m:
            return _date(int(m.group(yi)), int(m.group(mi)), int(m.group(di)))
    m = _LONG_DATE.match(s)
    if m and m.group(2).lower() in MONTHS:
        return _date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    return None


def _date(y: int, mo: int, d: int) -> dt.date | None:
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


_SPACE = re.compile(r"\s+")
_URN = re.compile(r"\d{6}")


def normalise_urn(text: str) -> str | None:
    """Six digits once spaces are removed; a leading zero is allowed (SPEC §6.4)."""
    if len(text) == 6 and text.isascii() and text.isdigit():
        return text  # the common case: already six plain digits
    s = _SPACE.sub("", text)
    if _URN.fullmatch(s):
        return s
    return None


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    return " ".join(text.translate(_DASHES).split()).casefold()


@functools.lru_cache(maxsize=256)
def _choice_index(choices: tuple[str, ...]) -> dict[str, str]:
    return {fold(c): c for c in choices}


def match_choice(value: str, choices: tuple[str, ...]) -> str | None:
    """The choice a value names, forgiving case, spacing and dash style."""
    return _choice_index(choices).get(fold(value))


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
        if fold(rest) in by_fold:
            known.append(by_fold[fold(rest)])
            continue
        # greedy: longest known label at the start, then ", "
        pieces = rest.split(", ")
        i = 0
        while i < len(pieces):
            for j in range(len(pieces), i, -1):
                cand = fold(", ".join(pieces[i:j]))
                if cand in by_fold:
                    known.append(by_fold[cand])
                    i = j
                    break
            else:
                if pieces[i].strip():
                    unknown.append(pieces[i].strip())
                i += 1
    return list(dict.fromkeys(known)), unknown


__all__ = [
    "MONTHS",
    "Answer",
    "clean_text",
    "fold",
    "match_choice",
    "normalise_email",
    "normalise_urn",
    "parse_day",
    "parse_form_date",
    "split_checkbox",
]
