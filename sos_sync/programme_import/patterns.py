"""The regular expressions an offer's When cells are read with: dates, times, day lists."""

from __future__ import annotations

import re

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip


_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)


_WEEKDAY = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)(?![a-z])\.?"
)


_ORD = r"(?:\s?(?:st|nd|rd|th)(?![a-z]))?"


# Alternatives in priority order; finditer takes the leftmost match, then the first
# alternative that matches there. Named groups are distinct per alternative.
_DATE = re.compile(
    rf"""(?<![a-z0-9])(?:
      (?:(?P<iwd>{_WEEKDAY}),?\s+)?(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})(?!\d)
    | (?:(?P<nwd>{_WEEKDAY}),?\s+)?(?<![\d:.])(?P<nd>\d{{1,2}})[/.](?P<nm>\d{{1,2}})[/.]
      (?P<ny>\d{{4}}|\d{{2}})(?!\d)
    | (?:(?P<dwd>{_WEEKDAY}),?\s+)?(?:the\s+)?(?<![\d:.])(?P<dd>\d{{1,2}}){_ORD}
      (?:\s*(?:-|–|—|to|until)\s*(?P<dd2>\d{{1,2}}){_ORD})?(?:\s+of)?\s+(?P<dm>{_MONTH})
      (?:,?\s+(?P<dy>\d{{4}})(?!\d))?
    | (?:(?P<awd>{_WEEKDAY}),?\s+)?(?P<am>{_MONTH})\s+(?P<ad>\d{{1,2}}){_ORD}(?![\d:.])
      (?!\s*(?:[ap]\.?m))(?:,?\s+(?P<ay>\d{{4}})(?!\d))?
    | (?P<ym>{_MONTH}),?\s+(?P<yy>\d{{4}})(?!\d)
    | (?P<om>{_MONTH})
    )""",
    re.IGNORECASE | re.VERBOSE,
)


_AP = r"(?:[ap]\.?m\.?(?![a-z])|noon|midday)"


_TIME_RANGE = re.compile(
    rf"(?<![\d:./])(?P<h1>\d{{1,2}})(?:[:.](?P<m1>\d{{2}}))?\s*(?P<a1>{_AP})?"
    rf"\s*(?:-|–|—|to|until|till)\s*"
    rf"(?P<h2>\d{{1,2}})(?:[:.](?P<m2>\d{{2}}))?\s*(?P<a2>{_AP})?(?![\d/])",
    re.IGNORECASE,
)


_TIME_ONE = re.compile(
    rf"(?<![\d:./])(?P<h>\d{{1,2}})(?:[:.](?P<m>\d{{2}})\s*(?P<a>{_AP})?|\s*(?P<ao>{_AP}))(?![\d/])"
    r"|(?P<noon>\bnoon\b|\bmidday\b)",
    re.IGNORECASE,
)


_ON_REQUEST = re.compile(
    r"as and when|on request|upon request|when requested|by arrangement|by request"
    r"|on demand|ongoing|throughout the year|any ?time|flexible",
    re.IGNORECASE,
)


_TERM = re.compile(r"\b(autumn|spring|summer|winter)\b", re.IGNORECASE)


_DATE_TBC = re.compile(
    r"^(?:date\s+)?(?:tbc|tba|tbd|to be (?:confirmed|arranged|announced))\b", re.I
)


# "3rd & 4th March 2025", "3, 4 and 5 March": a list of days sharing one month (and year).
_DAY_LIST = re.compile(
    rf"(?<![\d:./])(?P<list>(?:(?:{_WEEKDAY},?\s+)?\d{{1,2}}{_ORD}\s*(?:,|&|\band\b)\s*)+)"
    rf"(?P<last>(?:{_WEEKDAY},?\s+)?\d{{1,2}}{_ORD}\s+(?P<month>{_MONTH})(?:,?\s+(?P<year>\d{{4}}))?)",
    re.IGNORECASE,
)


_DAY_ITEM = re.compile(rf"((?:{_WEEKDAY},?\s+)?\d{{1,2}}{_ORD})\s*(?:,|&|\band\b)?\s*", re.I)


_ALL_DAY = re.compile(r"\ball[- ]day\b", re.IGNORECASE)


_EDGE_NOISE = re.compile(
    r"^(?:[\s,;:()@&+–—-]|\b(?:at|from|and|or|then|also|plus)\b)*"
    r"|(?:[\s,;:()@&+–—-]|\b(?:and|or|then|also|plus)\b)*$",
    re.IGNORECASE,
)
