"""The period a report covers: an academic year, one of its terms, or two dates.

The academic year runs 1 September to 31 August (`2024-25`). Its terms, as the report
counts them, are fixed so that every day falls in exactly one term and reports of
different years compare like with like:

- autumn: 1 September – 31 December
- spring: 1 January – 31 March
- summer: 1 April – 31 August (Easter moves; the Easter holiday falls in summer here)

A period that reaches past today is reported "to date": its figures stop at today.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .source import UsageError, long_date

TERMS = ("autumn", "spring", "summer")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    today: dt.date
    label: str  # "Autumn term 2024-25"
    slug: str  # "2024-25-autumn", for file names

    @property
    def as_of(self) -> dt.date:
        """The last day the figures can see: the period's end, or today if sooner."""
        return min(self.end, self.today)

    @property
    def to_date(self) -> bool:
        return self.end > self.today

    @property
    def words(self) -> str:
        """`1 September 2024 to 31 December 2024` (`… to date` while it runs)."""
        tail = f"{long_date(self.as_of)} (to date)" if self.to_date else long_date(self.end)
        return f"{long_date(self.start)} to {tail}"

    def renewal_window(self) -> tuple[dt.date, dt.date]:
        """From the day after the figures stop to the end of the term after the period."""
        following = term_bounds(*term_of(self.end + dt.timedelta(days=1)))[1]
        return self.as_of + dt.timedelta(days=1), following


def academic_year_of(day: dt.date) -> int:
    """The calendar year the academic year of `day` starts in (2024 for 2024-25)."""
    return day.year if day.month >= 9 else day.year - 1


def year_name(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def term_of(day: dt.date) -> tuple[str, int]:
    """The term of `day` and its academic year's start year."""
    term = "autumn" if day.month >= 9 else "spring" if day.month <= 3 else "summer"
    return term, academic_year_of(day)


def term_bounds(term: str, start_year: int) -> tuple[dt.date, dt.date]:
    if term == "autumn":
        return dt.date(start_year, 9, 1), dt.date(start_year, 12, 31)
    if term == "spring":
        return dt.date(start_year + 1, 1, 1), dt.date(start_year + 1, 3, 31)
    return dt.date(start_year + 1, 4, 1), dt.date(start_year + 1, 8, 31)


def parse_year(text: str) -> int:
    """`2024-25` (or `2024/25`, `2024-2025`) -> 2024."""
    m = re.fullmatch(r"\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*", text)
    if m:
        first, second = int(m.group(1)), int(m.group(2))
        if second % 100 == (first + 1) % 100:
            return first
    raise UsageError(
        f"--year `{text}` is not an academic year: write it as 2024-25 "
        "(September 2024 to August 2025)."
    )


def parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} `{text}` is not a date: use YYYY-MM-DD.") from None


def resolve_period(
    today: dt.date,
    *,
    term: str | None = None,
    year: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> Period:
    """The period the options name; by default the current term to date."""
    if date_from or date_to:
        if term or year:
            raise UsageError("Give either --from/--to or --term/--year, not both.")
        if not (date_from and date_to):
            raise UsageError("--from and --to go together: give both dates.")
        start, end = parse_date(date_from, "--from"), parse_date(date_to, "--to")
        if end < start:
            raise UsageError(f"--to {end} is before --from {start}.")
        period = Period(start, end, today, f"{long_date(start)} to {long_date(end)}", "")
        return _checked(period, f"{start.isoformat()}-to-{end.isoformat()}")
    if term is not None and term not in TERMS:
        raise UsageError(f"--term `{term}` is not one of {', '.join(TERMS)}.")
    start_year = parse_year(year) if year else academic_year_of(today)
    if term is None and year is not None:
        start, end = dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31)
        name = year_name(start_year)
        return _checked(Period(start, end, today, f"Academic year {name}", ""), name)
    if term is None:
        term = term_of(today)[0]
    start, end = term_bounds(term, start_year)
    name = year_name(start_year)
    label = f"{term.capitalize()} term {name}"
    return _checked(Period(start, end, today, label, ""), f"{name}-{term}")


def _checked(period: Period, slug: str) -> Period:
    if period.start > period.today:
        raise UsageError(
            f"The period {period.label} starts on {long_date(period.start)}, after today "
            f"({long_date(period.today)}): there is nothing to report yet."
        )
    return Period(period.start, period.end, period.today, period.label, slug)
