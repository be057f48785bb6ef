"""Review, then send: documents a lead marks `Send` go once to the school, PDF attached."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from helpers import by_key, column_of, config_of, edit_tracker, read_tab, row_of
from smtp_sink import SmtpSink

from sos_sync.backends.factory import make_backend
from sos_sync.delivery.send import deliver_marked
from sos_sync.domain.report import RunReport as RunResult
from sos_sync.run.state import load_state
from sos_sync.tracker.schema import all_tabs

Sync = Callable[..., RunResult]


def _mail_config(ws: Path, sink: SmtpSink) -> None:
    cfg = ws / "sos-sync.toml"
    cfg.write_text(
        cfg.read_text()
        + f"""
[report.mail]
enabled = false
host = "{sink.host}"
port = {sink.port}
starttls = false
sender = "sanctuary@example.org"
recipients = []
timeout_seconds = 5
"""
    )


def _mark(ws: Path, keys: list[str], word: str = "Yes") -> None:
    def fn(wb: openpyxl.Workbook) -> None:
        sheet = wb["Documents"]
        col = column_of(sheet, "Send")
        for key in keys:
            sheet.cell(row_of(sheet, "Doc key", key), col, word)

    edit_tracker(ws, fn)


def _two_documents(ws: Path) -> list[str]:
    docs = read_tab(ws, "Documents")
    schools = by_key(read_tab(ws, "Schools"), "URN")
    ready = [
        str(d["Doc key"])
        for d in docs
        if d["Status"] == "Generated" and schools[str(d["URN"])]["Contact email"]
    ]
    return ready[:3]


def test_two_marked_documents_go_once_each_with_the_pdf(workspace: Path, sync: Sync) -> None:
    with SmtpSink() as sink:
        _mail_config(workspace, sink)
        sync(workspace)
        assert not sink.messages  # nothing is sent unless a lead marks it
        first, second, _ = _two_documents(workspace)
        _mark(workspace, [first, second])
        day = dt.date(2025, 3, 3)
        sync(workspace, day)
        assert len(sink.messages) == 2
        schools = by_key(read_tab(workspace, "Schools"), "URN")
        docs = by_key(read_tab(workspace, "Documents"), "Doc key")
        for key, message in zip((first, second), sink.messages, strict=True):
            to = str(schools[key.split(":")[0]]["Contact email"])
            assert message.rcpt_to == [to]
            parsed = email.message_from_bytes(message.data, policy=email.policy.default)
            assert parsed["Subject"] == docs[key]["Title"]
            [attachment] = list(parsed.iter_attachments())
            assert attachment.get_content_type() == "application/pdf"
            assert attachment.get_content().startswith(b"%PDF")
            assert docs[key]["Sent to"] == to
            assert str(docs[key]["Sent on"])[:10] == day.isoformat()
        sync(workspace, day + dt.timedelta(days=1))
        sync(workspace, day + dt.timedelta(days=2))
        assert len(sink.messages) == 2  # the nights after send none
        problems = [p for p in read_tab(workspace, "Needs review") if p["Where"] == "Documents"]
        assert not [p for p in problems if "not sent" in str(p["Reason"])]


def test_a_run_killed_between_the_send_and_its_journal_entry_does_not_resend(
    workspace: Path, sync: Sync
) -> None:
    with SmtpSink() as sink:
        _mail_config(workspace, sink)
        sync(workspace)
        key = _two_documents(workspace)[0]
        _mark(workspace, [key])
        config = config_of(workspace)
        backend = make_backend(config)
        tabs = backend.tracker.read_tabs(all_tabs(config.forms, [c.code for c in config.criteria]))

        def killed(_key: str) -> None:
            raise KeyboardInterrupt  # the process dies after the server took the message

        with pytest.raises(KeyboardInterrupt):
            deliver_marked(
                config,
                load_state(workspace),
                tabs,
                backend.documents,  # type: ignore[attr-defined]
                dt.date(2025, 3, 3),
                after_send=killed,
            )
        assert len(sink.messages) == 1
        sync(workspace, dt.date(2025, 3, 3))
        sync(workspace, dt.date(2025, 3, 4))
        assert len(sink.messages) == 1  # never resent
        docs = by_key(read_tab(workspace, "Documents"), "Doc key")
        assert not docs[key]["Sent on"]
        [problem] = [
            p for p in read_tab(workspace, "Needs review") if key in str(p["Response or row"])
        ]
        assert "may or may not" in str(problem["Reason"])
        _mark(workspace, [key], "again")  # the lead checked: send it once more
        sync(workspace, dt.date(2025, 3, 5))
        sync(workspace, dt.date(2025, 3, 6))
        assert len(sink.messages) == 2
        assert by_key(read_tab(workspace, "Documents"), "Doc key")[key]["Sent to"]


def test_a_refused_address_is_a_needs_review_row(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    key = _two_documents(workspace)[0]
    to = str(by_key(read_tab(workspace, "Schools"), "URN")[key.split(":")[0]]["Contact email"])
    with SmtpSink(refuse={to}) as sink:
        _mail_config(workspace, sink)
        _mark(workspace, [key])
        sync(workspace, dt.date(2025, 3, 3))
        sync(workspace, dt.date(2025, 3, 4))
        assert not sink.messages
    problems = [p for p in read_tab(workspace, "Needs review") if key in str(p["Response or row"])]
    assert len(problems) == 1 and "refused" in str(problems[0]["Reason"])
    assert not by_key(read_tab(workspace, "Documents"), "Doc key")[key]["Sent on"]


def test_a_template_edit_regenerates_the_affected_letters_and_only_those(
    workspace: Path, sync: Sync
) -> None:
    import shutil

    from helpers import edit_word_template

    from sos_sync.domain.documents import default_templates_dir
    from sos_sync.ops.demo import _seed_lead_entries

    custom = workspace / "templates"
    shutil.copytree(default_templates_dir(), custom)
    cfg = workspace / "sos-sync.toml"
    cfg.write_text(cfg.read_text() + '\n[documents]\ntemplates = "templates"\n')
    _seed_lead_entries(workspace / "tracker.xlsx")
    sync(workspace)
    folder = workspace / "docs"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    letters = {n for n in before if "award_letter" in n}
    assert letters and len(before) > 2 * len(letters)
    edit_word_template(
        custom / "award_letter.docx", "Celebrate with us. ", "Join us at the celebration. "
    )
    result = sync(workspace, dt.date(2025, 3, 3))
    assert result.as_json()["docs"]["updated"] == len(letters) // 2  # .docx + .pdf per letter
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    changed = {n for n in after if after[n] != before.get(n)}
    assert changed == letters
    import docx

    first = sorted(n for n in letters if n.endswith(".docx"))[0]
    text = "\n".join(p.text for p in docx.Document(str(folder / first)).paragraphs)
    assert "Join us at the celebration." in text
