"""The filters the letters' merge fields use (SPEC §8): ``long_date`` ("14 July 2028"),
``paras`` (blank lines start paragraphs), ``lines``, ``names`` ("A, B and C"), ``sentence``
and ``count`` ("eight"). Plain text in, plain text out: the template engine escapes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_WORDS = [
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


def long_date(value: Any) -> str:
    """A date as schools read it: ``14 July 2028``."""
    day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def paras(text: str) -> str:
    """Multi-line form text: blank lines start a new paragraph, newlines break the line."""
    blocks = [b.strip("\n") for b in text.strip().split("\n\n") if b.strip()]
    return "\a".join(blocks)  # docxtpl turns \a into a new paragraph, \n into a line break


def lines(text: str) -> str:
    """Multi-line text (an address) kept as lines, blank lines dropped."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def sentence(text: str) -> str:
    """Text with its first letter in capitals (the rest untouched, unlike `capitalize`)."""
    return text[:1].upper() + text[1:]


def names(people: list[str]) -> str:
    """``["A", "B", "C"]`` as ``A, B and C``."""
    return people[0] if len(people) == 1 else f"{', '.join(people[:-1])} and {people[-1]}"


def count(n: int) -> str:
    """A count in words up to twenty ("eight"), in figures above."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)
