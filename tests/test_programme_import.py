"""`sos-sync programme import`: offer tables into programmes, with choices and warnings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sos_sync.domain.programme import Programme, ProgrammeEvent, load_programme
from sos_sync.programme_import.offer import (
    ImportReport,
    academic_year_of,
    import_offer,
    short_title,
)
from sos_sync.programme_import.store import import_offer_file

SEED = Path(__file__).resolve().parent / "fixtures" / "coventry-sos-offer-2024-25.txt"
REPO_SEED = Path(__file__).resolve().parents[1] / "config" / "programme-2024-25.toml"
HEADER = "What?\tWhen?\tWhere?"


def table(*rows: str, year: str | None = "2024-25") -> ImportReport:
    """Import a table made of `rows` ("What\\tWhen\\tWhere")."""
    return import_offer("\n".join([HEADER, *rows]) + "\n", academic_year=year)


def one(when: str, where: str = "Online", what: str = "Network meeting") -> ProgrammeEvent:
    report = table(f"{what}\t{when}\t{where}")
    assert len(report.programme.events) == 1, report.lines()
    return report.programme.events[0]


def seed_text() -> str:
    if SEED.exists():
        return SEED.read_text(encoding="utf-8")
    pytest.fail(f"the seed offer {SEED} is missing")


# -- one test per date form ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "start", "end"),
    [
        ("1 st October 2024 3:30 – 5:00", "2024-10-01T15:30", "2024-10-01T17:00"),
        ("1st October 2024", "2024-10-01", None),
        ("Tuesday, 1 October 2024", "2024-10-01", None),
        ("6 November 2024 3.30pm - 5pm", "2024-11-06T15:30", "2024-11-06T17:00"),
        ("6 November 2024 15:30–17:00", "2024-11-06T15:30", "2024-11-06T17:00"),
        ("6 November 2024 3:30-5pm", "2024-11-06T15:30", "2024-11-06T17:00"),
        ("6 November 2024 11am-1pm", "2024-11-06T11:00", "2024-11-06T13:00"),
        ("6 November 2024 9:30 - 3", "2024-11-06T09:30", "2024-11-06T15:00"),
        ("6 November 2024 at 10am", "2024-11-06T10:00", None),
        ("Wed 6 Nov", "2024-11-06", None),
        ("6/11/2024", "2024-11-06", None),
        ("6.11.24", "2024-11-06", None),
        ("2024-11-06", "2024-11-06", None),
        ("November 6th, 2024", "2024-11-06", None),
        ("the 6th of November 2024", "2024-11-06", None),
        ("22 nd January", "2025-01-22", None),
        ("10-12 March 2025", "2025-03-10", "2025-03-12"),
        ("June 2025", "2025-06", None),
        ("September", "2024-09", None),
        ("As and when requested", None, None),
    ],
)
def test_date_forms(when: str, start: str | None, end: str | None) -> None:
    event = one(when)
    assert (event.start, event.end) == (start, end)


def test_a_list_of_days_sharing_a_month_makes_one_event_each() -> None:
    report = table("Workshop\tMonday 3rd & Tuesday 4th March 2025 3:30-5pm\tOnline")
    got = [(e.start, e.end) for e in report.programme.events]
    assert got == [("2025-03-03", None), ("2025-03-04T15:30", "2025-03-04T17:00")]
    assert any("list of days" in c for c in report.choices)
    assert report.warnings == []


def test_time_before_the_date_and_all_day_words() -> None:
    assert one("12 noon - 1pm 6 November 2024").start == "2024-11-06T12:00"
    assert one("12 noon - 1pm 6 November 2024").end == "2024-11-06T13:00"
    report = table("Meeting\tAll day 6 November 2024\tOnline")
    assert report.programme.events[0].start == "2024-11-06" and report.warnings == []


def test_venue_and_time_per_date() -> None:
    report = table("Meeting\t6 Nov 2024, 3:30pm-5pm, Whitley Academy; 7 Nov 2024 Online\tIn person")
    got = [(e.start, e.end, e.where, e.mode) for e in report.programme.events]
    assert got == [
        ("2024-11-06T15:30", "2024-11-06T17:00", "Whitley Academy", "In person"),
        ("2024-11-07", None, "Online", "Online"),
    ]


@pytest.mark.parametrize(
    ("when", "wheres"),
    [
        ("6 Nov 2024 and 18 March 2025", ["Online", "Online"]),
        ("6 Nov 2024 at Whitley Academy, then 18 March 2025", ["Whitley Academy", "Online"]),
        ("6 Nov 2024 In person", ["In person, venue to be confirmed"]),
        ("6 Nov 2024 venue TBC", ["Online, venue to be confirmed"]),
    ],
)
def test_words_between_dates_are_not_venues(when: str, wheres: list[str]) -> None:
    report = table(f"Meeting\t{when}\tOnline")
    assert [e.where for e in report.programme.events] == wheres


def test_may_the_verb_is_not_a_month() -> None:
    report = table("Meeting\t6 Nov 2024 (date may change)\tOnline")
    (event,) = report.programme.events
    assert (event.start, event.where, event.notes) == ("2024-11-06", "Online", "Date may change.")
    assert one("May").start == "2025-05"


def test_school_day_time_without_am_pm_is_afternoon_and_noted() -> None:
    report = table("Intro\t1 st October 2024 3:30 – 5:00\tOnline")
    assert report.programme.events[0].start == "2024-10-01T15:30"
    assert any("no am/pm" in c and "15:30-17:00" in c for c in report.choices)
    assert report.warnings == []


def test_day_without_year_takes_the_academic_year_and_says_so() -> None:
    report = table("IRC Healing Classrooms\t22 nd January\tIn person")
    assert report.programme.events[0].start == "2025-01-22"
    assert any("no year" in c and "2025" in c for c in report.choices)


def test_month_only_is_tentative_with_no_form_date() -> None:
    report = table("Day of Welcome\tJune 2025\tIn school")
    event = report.programme.events[0]
    assert (event.start, event.precision, event.is_dated) == ("2025-06", "month", False)
    assert event.form_label == "Day of Welcome (June 2025)"
    assert any("tentative" in c for c in report.choices)


def test_on_request_has_no_start_no_label_and_no_warning() -> None:
    report = table("Catch up meeting\tAs and when requested\tIn person at school")
    event = report.programme.events[0]
    assert (event.start, event.form_label, event.mode) == (None, "", "In school")
    assert report.warnings == []


def test_several_dates_in_one_cell_each_with_its_own_venue() -> None:
    report = table(
        "Schools of Sanctuary – network meeting of local schools\t"
        "6 th November 2024 West Coventry Academy 18 th March 2025 26 th June 2025\tIn person"
    )
    got = [(e.key, e.start, e.where) for e in report.programme.events]
    assert got == [
        ("network-meeting-2024-11-06", "2024-11-06", "West Coventry Academy"),
        ("network-meeting-2025-03-18", "2025-03-18", "In person, venue to be confirmed"),
        ("network-meeting-2025-06-26", "2025-06-26", "In person, venue to be confirmed"),
    ]
    assert any("3 dates" in c for c in report.choices)
    assert any("names no venue" in c for c in report.choices)


def test_venue_tbc_is_spelled_out() -> None:
    assert one("June 2025", "In person Venue TBC").where == "In person, venue to be confirmed"
    assert one("June 2025", "Venue TBC").where == "Venue to be confirmed"


def test_url_in_what_goes_to_notes_and_title_is_its_first_clause() -> None:
    event = one(
        "September 2024",
        "Email",
        "Initial contact with schools – check the pledge https://padlet.com/x/sos-123",
    )
    assert event.title == "Initial contact with schools"
    assert "https://padlet.com/x/sos-123" in event.notes
    assert "check the pledge" in event.notes.lower()
    assert event.form_label == ""  # nothing to sign up to for an e-mail


def test_academic_year_from_the_document() -> None:
    assert academic_year_of("Schools of Sanctuary Offer 2024-2025") == "2024-25"
    assert academic_year_of("Offer 2025–26") == "2025-26"
    assert academic_year_of("founded in 2019, 2024 plans") is None
    report = import_offer(f"Offer 2025-2026\n{HEADER}\nNetwork meeting\t22 January\tOnline\n")
    assert report.programme.academic_year == "2025-26"
    assert report.programme.events[0].start == "2026-01-22"


def test_short_titles() -> None:
    assert short_title("Schools of Sanctuary – network meeting of local schools") == (
        "Network meeting"
    )
    assert short_title("Schools of Sanctuary Introduction meeting – process") == (
        "Introduction meeting"
    )
    assert short_title("Refugee Week: Planning and Inspiration") == (
        "Refugee Week: Planning and Inspiration"
    )


# -- one test per warning ------------------------------------------------------------------------


def test_weekday_contradiction_chooses_the_academic_year_and_warns() -> None:
    report = table(
        "Refugee Week: Planning and Inspiration\tTuesday 4 th March 2024 3:30-5pm\tOnline"
    )
    event = report.programme.events[0]
    assert (event.start, event.end) == ("2025-03-04T15:30", "2025-03-04T17:00")
    assert event.form_label == (
        "Refugee Week: Planning and Inspiration – Tuesday 4 March 2025, 3:30pm (online)"
    )
    (warning,) = report.warnings
    assert "4 March 2024 was a Monday" in warning
    assert "Tuesday 4 March 2025" in warning and "academic year 2024-25" in warning
    assert "The offer says Tuesday 4 th March 2024" in event.notes


def test_weekday_contradiction_without_a_better_year_keeps_the_date() -> None:
    report = table("Meeting\tFriday 6 November 2024\tOnline")
    assert report.programme.events[0].start == "2024-11-06"
    (warning,) = report.warnings
    assert "says Friday" in warning and "Wednesday" in warning and "kept the date" in warning


def test_date_outside_the_academic_year_is_kept_with_a_warning() -> None:
    report = table("Meeting\t1 October 2023\tOnline")
    assert report.programme.events[0].start == "2023-10-01"
    (warning,) = report.warnings
    assert "outside the academic year 2024-25" in warning


def test_not_a_real_date() -> None:
    report = table("Meeting\t31 February 2025\tOnline")
    assert report.programme.events[0].start is None
    assert any("not a real date" in w for w in report.warnings)


@pytest.mark.parametrize("when", ["Autumn term", "Spring 2025", "Summer half-term"])
def test_a_term_is_not_a_date(when: str) -> None:
    report = table(f"Meeting\t{when}\tOnline")
    assert report.programme.events[0].start is None
    assert any("is a term or season, not a date" in w for w in report.warnings)


@pytest.mark.parametrize("when", ["TBC", "Date TBC", "to be confirmed"])
def test_date_to_be_confirmed(when: str) -> None:
    report = table(f"Meeting\t{when}\tOnline")
    assert report.programme.events[0].start is None
    assert any("the date is to be confirmed" in w for w in report.warnings)


def test_unreadable_when() -> None:
    report = table("Meeting\twhenever suits\tOnline")
    assert report.programme.events[0].start is None
    assert any("not a date I can read" in w for w in report.warnings)


def test_empty_when() -> None:
    report = table("Meeting\t\tOnline")
    assert report.programme.events[0].start is None
    assert any("When cell is empty" in w for w in report.warnings)


def test_time_ending_before_it_starts() -> None:
    report = table("Meeting\t6 November 2024 5 - 3:30pm\tOnline")
    event = report.programme.events[0]
    assert (event.start, event.end) == ("2024-11-06T17:00", None)
    assert any("ends before it starts" in w for w in report.warnings)


def test_day_without_year_and_no_academic_year() -> None:
    report = import_offer(f"{HEADER}\nMeeting\t22 January\tOnline\n")
    assert report.programme.events[0].start is None
    assert any("no year" in w for w in report.warnings)


def test_no_table() -> None:
    report = import_offer("Just some prose.\nNo table here.\n")
    assert report.programme.events == ()
    assert any("No offer table found" in w for w in report.warnings)


def test_table_ends_at_a_broken_row_and_says_so() -> None:
    report = table(
        "Meeting\t6 November 2024\tOnline", "Broken\t7 November 2024", "Later\tJune 2025\tX"
    )
    assert [e.start for e in report.programme.events] == ["2024-11-06"]
    assert any("Line 3 has 2 columns" in w for w in report.warnings)


def test_prose_around_the_table_is_ignored() -> None:
    text = (
        f"Offer 2024-2025\nIntro prose.\n\n{HEADER}\nMeeting\t6 November 2024\tOnline\n"
        "\nContact us.\n\t\tAccreditation Timeline\n"
    )
    report = import_offer(text)
    assert [e.title for e in report.programme.events] == ["Meeting"]


def test_given_year_overrides_the_document_with_a_warning() -> None:
    report = import_offer(
        f"Offer 2024-2025\n{HEADER}\nMeeting\t22 January\tOnline\n", academic_year="2025-26"
    )
    assert report.programme.events[0].start == "2026-01-22"
    assert any("document says 2024-25" in w for w in report.warnings)


# -- the seed, end to end -----------------------------------------------------------------------


SEED_EVENTS = [
    # key, title, start, end, where
    (
        "initial-contact-2024-09",
        "Initial contact with schools encouraging an expression of interest",
        "2024-09",
        None,
        "Email",
    ),
    (
        "introduction-meeting-2024-10-01",
        "Schools of Sanctuary Introduction meeting – process, application and award",
        "2024-10-01T15:30",
        "2024-10-01T17:00",
        "Online",
    ),
    (
        "network-meeting-2024-11-06",
        "Schools of Sanctuary – network meeting of local schools",
        "2024-11-06",
        None,
        "West Coventry Academy",
    ),
    (
        "irc-healing-classrooms-2025-01-22",
        "IRC Healing Classrooms – training to support schools to develop inclusive and "
        "nurturing learning spaces",
        "2025-01-22",
        None,
        "In person, venue to be confirmed",
    ),
    (
        "refugee-week-planning-and-inspiration-2025-03-04",
        "Refugee Week: Planning and Inspiration",
        "2025-03-04T15:30",
        "2025-03-04T17:00",
        "Online",
    ),
    (
        "network-meeting-2025-03-18",
        "Schools of Sanctuary – network meeting of local schools",
        "2025-03-18",
        None,
        "In person, venue to be confirmed",
    ),
    (
        "network-meeting-2025-06-26",
        "Schools of Sanctuary – network meeting of local schools",
        "2025-06-26",
        None,
        "In person, venue to be confirmed",
    ),
    (
        "day-of-welcome-refugee-week-2025-06",
        "Day of Welcome Refugee Week",
        "2025-06",
        None,
        "In school workshops and visits",
    ),
    (
        "celebration-event-2025-06",
        "Celebration Event – all schools that have gained SOS award invited",
        "2025-06",
        None,
        "In person, venue to be confirmed",
    ),
    (
        "schools-catch-up-meeting",
        "Schools catch up meeting to share progress, review audit and action planning",
        None,
        None,
        "In person at school",
    ),
]


def test_seed_end_to_end() -> None:
    report = import_offer(seed_text())
    programme = report.programme
    assert programme.academic_year == "2024-25"
    got = [(e.key, e.title, e.start, e.end, e.where) for e in programme.events]
    assert got == SEED_EVENTS
    labels = [e.form_label for e in programme.events]
    assert labels == [
        "",
        "Introduction meeting – Tuesday 1 October 2024, 3:30pm (online)",
        "Network meeting – Wednesday 6 November 2024 (West Coventry Academy)",
        "IRC Healing Classrooms – Wednesday 22 January 2025",
        "Refugee Week: Planning and Inspiration – Tuesday 4 March 2025, 3:30pm (online)",
        "Network meeting – Tuesday 18 March 2025",
        "Network meeting – Thursday 26 June 2025",
        "Day of Welcome Refugee Week (June 2025)",
        "Celebration Event (June 2025)",
        "",
    ]
    modes = [e.mode for e in programme.events]
    assert modes == ["Email", "Online", "In person", "In person", "Online", "In person"] + [
        "In person",
        "In school",
        "In person",
        "In school",
    ]
    assert len(report.warnings) == 1 and "4 March 2024 was a Monday" in report.warnings[0]
    assert "padlet.com" in programme.events[0].notes
    assert (
        "potential schools for next year" in programme.by_key()["celebration-event-2025-06"].notes
    )
    text = "\n".join(report.lines())
    assert "Check these:" in text and "Choices made:" in text


def test_seed_keeps_the_hand_written_keys() -> None:
    hand = load_programme(REPO_SEED)
    report = import_offer(seed_text(), existing=hand)
    assert sorted(e.key for e in report.programme.events) == sorted(e.key for e in hand.events)
    by_key = report.programme.by_key()
    assert by_key["refugee-week-planning-2025-03-04"].start == "2025-03-04T15:30"
    assert by_key["catch-up-meetings"].start is None
    assert not any("no longer in the offer" in w for w in report.warnings)


# -- keys survive a re-import of an edited offer --------------------------------------------------


def test_reimport_of_an_edited_offer_keeps_keys() -> None:
    first = import_offer(seed_text()).programme
    edited = (
        seed_text()
        .replace("18 th March 2025", "25 th March 2025")  # one network meeting moves
        .replace("Refugee Week: Planning and Inspiration", "Refugee Week: planning and inspiration")
        .replace("Tuesday 4 th March 2024", "Tuesday 11 th March 2025")  # and moves
    )
    lines = edited.splitlines()
    celebration = next(i for i, line in enumerate(lines) if line.startswith("Celebration Event"))
    lines[celebration] = "Poetry workshop\t5 th February 2025 3:30-4:30\tOnline"
    report = import_offer("\n".join(lines), existing=first)
    by_key = report.programme.by_key()
    assert by_key["network-meeting-2025-03-18"].start == "2025-03-25"
    assert by_key["refugee-week-planning-and-inspiration-2025-03-04"].start == "2025-03-11T15:30"
    assert by_key["network-meeting-2024-11-06"].start == "2024-11-06"
    assert by_key["poetry-workshop-2025-02-05"].start == "2025-02-05T15:30"
    assert "celebration-event-2025-06" not in by_key
    assert any("celebration-event-2025-06" in w and "no longer" in w for w in report.warnings)
    assert any("New keys: poetry-workshop-2025-02-05" in c for c in report.choices)
    assert any("moved from 2025-03-18 to 2025-03-25" in c for c in report.choices)
    assert by_key["network-meeting-2025-03-18"].form_label == (
        "Network meeting – Tuesday 25 March 2025"
    )


def test_reimport_never_guesses_between_two_alike_events() -> None:
    first = table("Network meeting\t6 November 2024 18 March 2025\tOnline").programme
    report = import_offer(
        f"{HEADER}\nNetwork meeting\t13 November 2024 25 March 2025\tOnline\n",
        existing=first,
        academic_year="2024-25",
    )
    keys = [e.key for e in report.programme.events]
    assert keys == ["network-meeting-2024-11-13", "network-meeting-2025-03-25"]
    assert sum("did not guess" in w for w in report.warnings) == 2


def test_unchanged_reimport_is_identical() -> None:
    first = import_offer(seed_text())
    again = import_offer(seed_text(), existing=first.programme)
    assert again.programme == first.programme


# -- the file wrapper -----------------------------------------------------------------------------


def test_import_offer_file_writes_atomically_and_keeps_keys_and_header(tmp_path: Path) -> None:
    offer = tmp_path / "offer.txt"
    offer.write_text(seed_text(), encoding="utf-8")
    target = tmp_path / "programme.toml"
    target.write_bytes(REPO_SEED.read_bytes())
    report = import_offer_file(offer, target)
    written = target.read_text(encoding="utf-8")
    assert written.startswith("# Coventry Schools of Sanctuary programme 2024-25")
    assert load_programme(target) == report.programme
    assert "catch-up-meetings" in report.programme.by_key()
    before = target.read_bytes()
    import_offer_file(offer, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_import_offer_file_new_programme_and_windows_text(tmp_path: Path) -> None:
    offer = tmp_path / "offer.txt"
    text = "Offer 2024-2025\r\nWhat?\tWhen?\tWhere?\r\nCaf\xe9 meeting\t6 November 2024\tOnline\r\n"
    offer.write_bytes(text.encode("cp1252"))
    target = tmp_path / "ws" / "programme.toml"
    report = import_offer_file(offer, target)
    assert report.programme.events[0].title == "Café meeting"
    assert target.read_text(encoding="utf-8").startswith("# Schools of Sanctuary programme 2024-25")


# -- garbage in, warnings out -------------------------------------------------------------------

_TOKENS = [
    *"abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789:.-/–,()?",
    "st ", "th ", " March ", " June ", "Tuesday ", "Wed ", " 2024", " 2025", "pm", "am", " TBC",
    "As and when", "Autumn term", "https://x.org/a", " – ", "31", "29 February", "12:00",
]  # fmt: skip
_cell = st.lists(st.sampled_from(_TOKENS), max_size=15).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.tuples(_cell, _cell, _cell), max_size=8),
    year=st.sampled_from([None, "2024-25"]),
)
def test_garbage_gives_warnings_not_exceptions(
    rows: list[tuple[str, str, str]], year: str | None
) -> None:
    text = "\n".join([HEADER, *("\t".join(r) for r in rows)])
    report = import_offer(text, academic_year=year)
    assert isinstance(report.programme, Programme)
    for event in report.programme.events:
        assert re.match(r"^[a-z0-9][a-z0-9-]{1,80}$", event.key)
    assert all(isinstance(line, str) for line in report.lines())


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_any_text_gives_a_report(text: str) -> None:
    report = import_offer(text)
    assert isinstance(report.programme, Programme)
