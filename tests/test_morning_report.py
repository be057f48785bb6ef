"""The morning report: real sentences after busy, quiet and failed nights; real e-mail."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import socket
from pathlib import Path

import pytest
from pydantic import ValidationError
from smtp_sink import SmtpSink

from sos_sync.domain.report import RunReport
from sos_sync.errors import ConfigError
from sos_sync.run.mail import MailSettings, ReportNotSent, send_report
from sos_sync.run.morning_report import (
    headline,
    needs_attention,
    render_markdown,
    write_report,
)

DAY = dt.date(2026, 11, 28)
CONTACT = "head@oakfield.sch.uk"

BUSY = RunReport(
    day=DAY,
    started="2026-11-28T02:30:04+00:00",
    ok=True,
    error=None,
    backend="google",
    new_responses={"eoi": 3, "audit": 2, "signup": 1, "application": 0, "catchup": 1},
    updated_responses=1,
    schools_created=3,
    step_moves=(
        ("100002", "St Mary's RC Primary", 1, 2),
        ("100001", "Oakfield Primary", 1, 2),
        ("100003", "Hillside Academy", 2, 3),
    ),
    by_step={1: 40, 2: 12, 3: 5, 4: 3, 5: 1},
    stalled=4,
    events_created=1,
    docs_created=1,
    problems_new=2,
    problems_open=2,
    writes=7,
)
QUIET = RunReport(
    day=DAY,
    started="2026-11-28T02:30:04+00:00",
    ok=True,
    error=None,
    backend="local",
    new_responses={"eoi": 0},
    by_step={1: 40, 2: 12, 3: 5, 4: 3, 5: 1},
    problems_open=4,
)
FAILED = RunReport(
    day=DAY,
    started="2026-11-28T02:30:04+00:00",
    ok=False,
    error="Google refused access to the tracker (403): share it with "
    "sync@emas-123.iam.gserviceaccount.com as an Editor.",
    backend="google",
    by_step={},
    problems_open=1,
)


# --- headline ---------------------------------------------------------------------------


def test_headline_example_from_the_brief() -> None:
    night = dataclasses.replace(
        QUIET,
        new_responses={"eoi": 3},
        step_moves=(("100001", "Oakfield", 1, 2), ("100002", "Elm", 1, 2)),
        docs_created=1,
        problems_new=2,
        problems_open=2,
    )
    assert headline(night) == (
        "Last night: 3 new expressions of interest, 2 schools moved to step 2, "
        "1 document generated, 2 problems need you."
    )


def test_headline_after_a_busy_night() -> None:
    assert headline(BUSY) == (
        "Last night: 3 new expressions of interest, 2 new audits, 1 new event sign-up, "
        "1 new catch-up request, 1 response updated, 3 new schools added, "
        "2 schools moved to step 2, 1 school moved to step 3, 1 calendar event created, "
        "1 document generated, 2 problems need you."
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"new_responses": {"eoi": 1}}, "Last night: 1 new expression of interest."),
        ({"new_responses": {"audit": 2}}, "Last night: 2 new audits."),
        ({"new_responses": {"application": 1}}, "Last night: 1 new application."),
        ({"schools_created": 1}, "Last night: 1 new school added."),
        ({"step_moves": (("100001", "A", 2, 3),)}, "Last night: 1 school moved to step 3."),
        ({"step_moves": (("100001", "A", 3, 2),)}, "Last night: 1 school moved back to step 2."),
        ({"step_moves": (("100001", "A", 2, 2),)}, "Last night: nothing new."),
        ({"events_updated": 2, "docs_updated": 1}, None),
        ({"problems_open": 1}, "Last night: nothing new. 1 problem still needs you."),
        ({"problems_open": 0}, "Last night: nothing new."),
        (
            {"new_responses": {"eoi": 1}, "problems_new": 1, "problems_open": 4},
            "Last night: 1 new expression of interest, 4 problems need you (1 new).",
        ),
        (
            {"new_responses": {"eoi": 1}, "problems_open": 1},
            "Last night: 1 new expression of interest, 1 problem still needs you.",
        ),
    ],
)
def test_headline_plural_and_plain_words(changes: dict[str, object], expected: str | None) -> None:
    night = dataclasses.replace(QUIET, **({"problems_open": 0} | changes))  # type: ignore[arg-type]
    if expected is None:
        expected = "Last night: 2 calendar events updated, 1 document updated."
    assert headline(night) == expected


def test_headline_after_a_quiet_night() -> None:
    assert headline(QUIET) == "Last night: nothing new. 4 problems still need you."


def test_headline_after_a_failure_says_why_and_what_to_do() -> None:
    assert headline(FAILED) == (
        "Last night's run FAILED: Google refused access to the tracker (403): share it with "
        "sync@emas-123.iam.gserviceaccount.com as an Editor. The tracker may be only partly "
        "updated; fix the cause and run it again (a rerun is always safe). "
        "1 problem still needs you."
    )
    leaky = dataclasses.replace(FAILED, error=f"row from {CONTACT} has no URN")
    assert CONTACT not in headline(leaky)
    assert "row from [email removed] has no URN" in headline(leaky)


# --- the Markdown report ----------------------------------------------------------------


def test_report_after_a_busy_night() -> None:
    text = render_markdown(BUSY)
    assert text.startswith(
        "# Schools of Sanctuary: morning report for Saturday 28 November 2026\n\n"
        f"{headline(BUSY)}\n\n"
        "Run started 2026-11-28T02:30:04+00:00 on the google backend; 7 writes sent.\n"
    )
    assert (
        "### Form responses\n\n- 3 new expressions of interest\n- 2 new audits\n"
        "- 1 new event sign-up\n- 1 new catch-up request\n- 1 response updated\n"
    ) in text
    assert (
        "### Schools\n\n- 3 new schools added\n- 2 schools moved to step 2:\n"
        "  - 100001 Oakfield Primary (was step 1)\n"
        "  - 100002 St Mary's RC Primary (was step 1)\n"
        "- 1 school moved to step 3:\n  - 100003 Hillside Academy (was step 2)\n"
    ) in text
    assert (
        "### Calendar and documents\n\n- 1 calendar event created\n- 1 document generated\n" in text
    )
    assert "| 2 | Action planning | 12 |" in text
    assert "| | **Total** | **61** |" in text
    assert "4 schools are stalled (no activity for 90 days and not yet awarded)" in text
    assert "- 2 problems open in `Needs review` (2 new since the last run)." in text
    assert "How to fix" not in text


def test_report_can_leave_school_names_out() -> None:
    text = render_markdown(BUSY, school_names=False)
    assert "  - 100001 (was step 1)\n" in text
    assert "Oakfield" not in text and "Hillside" not in text


def test_report_after_a_quiet_night() -> None:
    text = render_markdown(dataclasses.replace(QUIET, problems_open=0, stalled=1))
    assert "Last night: nothing new.\n" in text
    assert (
        "Nothing changed: no new form responses, and every school, event and document was "
        "already up to date."
    ) in text
    assert "1 school is stalled" in text
    assert "## What needs a human\n\nNothing. Every response was filed" in text
    assert "###" not in text


def test_report_after_a_failure_explains_the_fix() -> None:
    text = render_markdown(FAILED)
    assert text.count("Last night's run FAILED") == 1
    assert "Nothing was changed before it stopped." in text
    assert "already up to date" not in text
    assert "## How to fix the failure" in text
    assert (
        "The run stopped because: Google refused access to the tracker (403): share it with "
        "sync@emas-123.iam.gserviceaccount.com as an Editor."
    ) in text
    assert "run `sos-sync doctor -w <workspace>`" in text
    assert "exit code 75" in text
    assert "Not counted: the run stopped before it read the tracker." in text
    partial = render_markdown(dataclasses.replace(FAILED, docs_created=2, by_step={1: 3}))
    assert (
        "The run stopped before it finished; this is what it did before it stopped.\n\n"
        "### Calendar and documents\n\n- 2 documents generated\n"
    ) in partial
    assert "| | **Total** | **3** |" in partial


def test_report_never_carries_a_contact_email() -> None:
    night = dataclasses.replace(
        BUSY, step_moves=(("100001", f"Oakfield ({CONTACT})", 1, 2),), error=None
    )
    text = render_markdown(night)
    assert CONTACT not in text and "Oakfield ([email removed])" in text


def test_write_report_is_one_file_per_day_and_a_rerun_replaces_it(tmp_path: Path) -> None:
    path = write_report(tmp_path, FAILED)
    assert path == tmp_path / "reports" / "2026-11-28.md"
    assert path.read_text() == render_markdown(FAILED)
    again = write_report(tmp_path, BUSY)
    assert again == path and path.read_text() == render_markdown(BUSY)
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["2026-11-28.md"]
    tomorrow = write_report(tmp_path, dataclasses.replace(QUIET, day=DAY + dt.timedelta(1)))
    assert tomorrow.name == "2026-11-29.md"


# --- e-mail -----------------------------------------------------------------------------


def _settings(sink: SmtpSink, **overrides: object) -> MailSettings:
    fields: dict[str, object] = {
        "enabled": True,
        "host": sink.host,
        "port": sink.port,
        "starttls": False,
        "sender": "sos-sync@coventry.gov.uk",
        "recipients": ["lead.one@coventry.gov.uk", "lead.two@coventry.gov.uk"],
        "timeout_seconds": 5,
    }
    return MailSettings.model_validate(fields | overrides)


def test_report_is_delivered_by_smtp_without_contact_emails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOS_SYNC_SMTP_PASSWORD", "s3cret-pass")
    night = dataclasses.replace(BUSY, step_moves=(("100001", f"Oakfield ({CONTACT})", 1, 2),))
    with SmtpSink(credentials=("emas", "s3cret-pass")) as sink:
        send_report(_settings(sink, username="emas"), night)
    [delivered] = sink.messages
    assert delivered.login == "emas"
    assert delivered.mail_from == "sos-sync@coventry.gov.uk"
    assert delivered.rcpt_to == ["lead.one@coventry.gov.uk", "lead.two@coventry.gov.uk"]
    message = email.message_from_bytes(delivered.data, policy=email.policy.default)
    assert message["Subject"] == f"sos-sync: {headline(night)}"
    assert message["To"] == "lead.one@coventry.gov.uk, lead.two@coventry.gov.uk"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content().replace("\r\n", "\n")
    assert text == render_markdown(night)
    assert "- 1 school moved to step 2:\n  - 100001 Oakfield ([email removed]) (was step 1)" in text
    assert CONTACT.encode() not in delivered.data
    assert b"s3cret-pass" not in delivered.data


def test_disabled_mail_sends_nothing() -> None:
    with SmtpSink() as sink:
        send_report(_settings(sink, enabled=False), BUSY)
    assert sink.messages == []


def test_missing_password_is_a_clear_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SMTP_PW_FOR_TEST", raising=False)
    with SmtpSink(credentials=("emas", "x")) as sink:
        settings = _settings(sink, username="emas", password_env="SMTP_PW_FOR_TEST")
        with pytest.raises(ConfigError) as caught:
            send_report(settings, BUSY)
    assert str(caught.value) == (
        "report.mail: username 'emas' is set but the environment variable SMTP_PW_FOR_TEST is "
        "empty. Put the SMTP password there (systemd EnvironmentFile, CI secret), never in "
        "the config file."
    )
    assert sink.messages == []


def test_a_password_in_the_config_file_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValidationError) as caught:
        MailSettings.model_validate(
            {"host": "smtp.x", "sender": "a@x.uk", "recipients": [], "password": "hunter2"}
        )
    assert "password" in str(caught.value) and "hunter2" not in str(caught.value)


def _refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("sink_args", "overrides", "sentence"),
    [
        (
            {"credentials": ("emas", "right")},
            {"username": "emas"},
            "refused the login for 'emas' (535 5.7.8 Authentication credentials invalid); "
            "check the username and SOS_SYNC_SMTP_PASSWORD.",
        ),
        ({}, {"starttls": True}, "does not offer STARTTLS"),
        (
            {"refuse": {"lead.one@coventry.gov.uk", "lead.two@coventry.gov.uk"}},
            {},
            "refused every recipient (lead.one@coventry.gov.uk, lead.two@coventry.gov.uk)",
        ),
        (
            {"refuse": {"lead.two@coventry.gov.uk"}},
            {},
            "The morning report was sent, but 127.0.0.1:",
        ),
        ({}, {"port": _refused_port()}, "could not reach the mail server 127.0.0.1:"),
    ],
    ids=["bad-login", "no-starttls", "all-recipients-refused", "one-refused", "unreachable"],
)
def test_smtp_failures_are_one_sentence(
    monkeypatch: pytest.MonkeyPatch,
    sink_args: dict[str, object],
    overrides: dict[str, object],
    sentence: str,
) -> None:
    monkeypatch.setenv("SOS_SYNC_SMTP_PASSWORD", "wrong")
    with SmtpSink(**sink_args) as sink, pytest.raises(ReportNotSent) as caught:  # type: ignore[arg-type]
        send_report(_settings(sink, **overrides), BUSY)
    message = str(caught.value)
    assert sentence in message
    assert message.startswith("The morning report was")
    assert "\n" not in message and "Traceback" not in message


# --- needs_attention --------------------------------------------------------------------

NOW = dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC)


def test_healthy_job_needs_no_attention() -> None:
    runs = [("2026-11-27T02:31:00+00:00", True), ("2026-11-28T02:31:00+00:00", True)]
    assert needs_attention(runs, NOW) is None
    assert needs_attention([("2026-11-26T09:00:00+00:00", True)], NOW) is None  # 47 hours


def test_last_run_failed() -> None:
    runs = [
        ("2026-11-28T02:31:00+00:00", False),
        ("not a time", True),
        ("2026-11-27T02:31:00", True),  # no zone: UTC
        ("2026-11-26T02:31:00+00:00", True),
    ]
    assert needs_attention(runs, NOW) == (
        "The last nightly run FAILED (it finished Sat 28 Nov at 02:31) and the last "
        "successful run finished Fri 27 Nov at 02:31, 29 hours ago. The tracker may be out "
        "of date: run `sos-sync doctor` to see what to fix, then `sos-sync sync`."
    )


def test_never_succeeded() -> None:
    message = needs_attention([("2026-11-28T02:31:00+00:00", False)], NOW)
    assert message is not None and "and no run has succeeded yet." in message


def test_no_successful_run_for_48_hours() -> None:
    assert needs_attention([("2026-11-25T02:31:00+00:00", True)], NOW) == (
        "No nightly run for 3 days: the last one finished Wed 25 Nov at 02:31. Check the "
        "schedule is still running (`systemctl list-timers sos-sync.timer`, `crontab -l`, "
        "or the CI workflow's runs)."
    )
    just_over = needs_attention([("2026-11-26T07:00:00+00:00", True)], NOW)
    assert just_over is not None and just_over.startswith("No nightly run for 2 days")


def test_times_are_shown_in_uk_time() -> None:
    summer = dt.datetime(2026, 7, 4, 8, 0, tzinfo=dt.UTC)
    message = needs_attention([("2026-07-04T01:31:00+00:00", False)], summer)
    assert message is not None and "(it finished Sat 4 Jul at 02:31)" in message


def test_no_runs_at_all() -> None:
    assert needs_attention([], NOW) == (
        "sos-sync has not run in this workspace yet: run `sos-sync sync`, and check the "
        "nightly schedule is installed (`sos-sync schedule show`)."
    )
