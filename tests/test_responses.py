"""Reading and validating responses (SPEC §3)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata

import pytest

from sos_sync.config.load import default_criteria
from sos_sync.domain.forms import build_forms
from sos_sync.domain.identity import _REPLACEMENTS, SchoolIndex, normalise_name
from sos_sync.domain.responses import (
    RawResponse,
    normalise,
    normalise_email,
    normalise_urn,
    parse_day,
    parse_timestamp,
    split_checkbox,
)

UTC = dt.UTC
FORMS = build_forms(tuple((c.code, c.title) for c in default_criteria()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024/10/01 3:45:12 PM GMT+1", dt.datetime(2024, 10, 1, 14, 45, 12, tzinfo=UTC)),
        ("2024/12/01 9:05:00 AM GMT", dt.datetime(2024, 12, 1, 9, 5, tzinfo=UTC)),
        ("2024/12/01 12:05:00 AM GMT", dt.datetime(2024, 12, 1, 0, 5, tzinfo=UTC)),
        ("2024/06/01 8:00:00 AM GMT-4", dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)),
        ("19/05/2024 14:51:02", dt.datetime(2024, 5, 19, 13, 51, 2, tzinfo=UTC)),  # BST
        ("19/01/2024 14:51:02", dt.datetime(2024, 1, 19, 14, 51, 2, tzinfo=UTC)),  # GMT
        ("2022-03-24T01:58:09.055Z", dt.datetime(2022, 3, 24, 1, 58, 9, 55000, tzinfo=UTC)),
        ("2022-03-24T01:58:09.055199123Z", dt.datetime(2022, 3, 24, 1, 58, 9, 55199, tzinfo=UTC)),
        ("yesterday", None),
        ("2024/13/01 3:45:12 PM GMT", None),
        ("", None),
    ],
)
def test_timestamps(text: str, expected: dt.datetime | None) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-07-14", dt.date(2025, 7, 14)),
        ("14/07/2025", dt.date(2025, 7, 14)),
        ("14 July 2025", dt.date(2025, 7, 14)),
        ("Monday 14th July 2025", dt.date(2025, 7, 14)),
        ("2025-13-01", None),
        ("29/02/2025", None),
        ("soon", None),
    ],
)
def test_days(text: str, expected: dt.date | None) -> None:
    assert parse_day(text) == expected


def test_emails_and_urns() -> None:
    assert normalise_email(" Head@Ash.Example.SCH.UK ") == "Head@ash.example.sch.uk"
    for bad in ("name@school", "a@b.c,d@e.f", "two words@x.org", "@x.org"):
        assert normalise_email(bad) is None
    assert normalise_urn(" 131 001 ") == "131001"
    assert normalise_urn("012345") == "012345"  # SPEC §6.4: a leading zero is allowed
    for bad in ("13100", "1310011", "URN131001", "²31001", "13100\n"):
        assert normalise_urn(bad) is None  # "²" is a digit to str.isdigit, not to a URN


def test_checkbox_labels_containing_the_separator() -> None:
    labels = ("Network meeting, 6 November", "Introduction meeting")
    known, unknown = split_checkbox(
        "Network meeting, 6 November, Introduction meeting, Picnic", labels
    )
    assert known == ["Network meeting, 6 November", "Introduction meeting"]
    assert unknown == ["Picnic"]
    assert split_checkbox(("Introduction meeting",), labels) == (["Introduction meeting"], [])


def _eoi(**answers: str) -> RawResponse:
    base = {
        "school": "Ash Grove Primary School",
        "urn": "131001",
        "contact_email": "a@ash.example.sch.uk",
        "pledge": "Yes",
        "slt": "Yes",
        "consent": "I agree",
    }
    base.update(answers)
    return RawResponse("eoi", "r1", "2024/10/01 3:45:12 PM GMT+1", "", base)


def test_bad_values_become_problems_not_exceptions() -> None:
    r = normalise(
        _eoi(pledge="Maybe", contact_email="head@ash", pledge_date="31/02/2025"), FORMS["eoi"]
    )
    codes = sorted(p.code for p in r.problems)
    assert codes == ["bad_choice", "bad_date", "bad_email"]
    assert all(p.school == "Ash Grove Primary School" and p.urn == "131001" for p in r.problems)
    assert "`Maybe`" in next(p.reason for p in r.problems if p.code == "bad_choice")


def test_choices_forgive_case_spacing_and_dashes() -> None:
    r = normalise(_eoi(pledge="not yet - planning  to"), FORMS["eoi"])
    assert r.values["pledge"] == "Not yet – planning to" and not r.problems


def test_no_consent_is_flagged() -> None:
    r = normalise(_eoi(consent=""), FORMS["eoi"])
    assert not r.consent and [p.code for p in r.problems] == ["no_consent"]


def test_name_normalisation_and_never_guessing() -> None:
    assert normalise_name("St. Mary's C of E Primary School") == normalise_name(
        "Saint Marys CE Primary"
    )
    ix = SchoolIndex()
    ix.add("131013", "Holy Trinity CE Primary School")
    ix.add("131014", "Holy Trinity Catholic Primary School")
    ix.add("131003", "Canal Side Academy")
    assert ix.match("canal side academy").urn == "131003"
    m = ix.match("Holy Trinity Primary")
    assert m.urn is None and {u for u, _ in m.candidates} == {"131013", "131014"}
    assert ix.match("Totally Unknown School").urn is None
    assert ix.clearly_different("131003", "Oak Tree Academy")
    assert not ix.clearly_different("131003", "Canal Side")


def _one_by_one(name: str) -> str:
    """`normalise_name` as written first: each replacement in turn, over the folded name."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    s = re.sub(r"\s+", " ", re.sub(r"[^\w&]+", " ", re.sub(r"['’‘`´]", "", s))).strip()
    for pattern, repl in _REPLACEMENTS:
        s = re.sub(pattern, repl, s)
    return re.sub(r"\s+", " ", re.sub(r"\bschool\b$", "", s).strip())


def test_name_normalisation_is_the_replacements_in_turn() -> None:
    """One pass over every replacement gives what applying them one by one gives, for
    every run of up to three of the words they involve (and some others)."""
    words = sorted(
        {w for p, r in _REPLACEMENTS for w in (*p.replace("\\b", "").split(), r)}
        | {"school", "Saint", "C.", "E", "schools", "x", "Mary's"}
    )
    names = [" ".join(c) for n in (1, 2, 3) for c in itertools.product(words, repeat=n)]
    assert len(names) > 10_000
    assert [normalise_name.__wrapped__(n) for n in names] == [_one_by_one(n) for n in names]


def test_a_name_given_to_a_school_is_no_longer_clearly_different() -> None:
    """The index remembers its verdicts while a school's names stay the same; a new name
    (or a school it did not know) is judged afresh."""
    ix = SchoolIndex()
    assert not ix.clearly_different("131003", "Oak Tree Academy")  # an unknown URN
    ix.add("131003", "Canal Side Academy")
    assert ix.clearly_different("131003", "Oak Tree Academy")
    ix.add("131003", "Canal Side Academy")  # the same name again changes nothing
    assert ix.clearly_different("131003", "Oak Tree Academy")
    ix.add("131003", "Oak Tree Academy")  # now one of its names
    assert not ix.clearly_different("131003", "Oak Tree Academy")
    assert ix.clearly_different("131003", "Birch Hill")
