"""Run logs: JSON lines on stderr and in a per-run file, rotation, and e-mail redaction."""

from __future__ import annotations

import datetime as dt
import json
import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from sos_sync.run.logs import (
    current_log_file,
    log_file_name,
    redact_emails,
    rotate_logs,
    setup_logging,
    shutdown_logging,
)

NIGHT = dt.datetime(2026, 11, 28, 2, 30, 5, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _close_handlers() -> Iterator[None]:
    yield
    shutdown_logging()


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_json_on_stderr_one_object_per_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = setup_logging(tmp_path, "json", "r42", now=NIGHT)
    log.info("school moved", extra={"urn": "123456", "from_step": 1, "to_step": 2})
    log.warning("quota pause")
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    first = json.loads(err[0])
    assert list(first)[:4] == ["time", "level", "event", "run_id"]
    assert first["level"] == "info" and first["event"] == "school moved"
    assert first["run_id"] == "r42"
    assert (first["urn"], first["from_step"], first["to_step"]) == ("123456", 1, 2)
    assert dt.datetime.fromisoformat(str(first["time"])).tzinfo is not None
    assert json.loads(err[1])["level"] == "warning"


def test_text_format_is_for_people_and_the_file_is_still_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = setup_logging(tmp_path, "text", "r1", now=NIGHT)
    log.info("tracker read", extra={"rows": 140})
    err = capsys.readouterr().err
    assert "info" in err and "tracker read rows=140" in err and "{" not in err
    path = current_log_file()
    assert path == tmp_path / "logs" / "sync-20261128-023005-r1.log"
    shutdown_logging()
    [entry] = _lines(path)
    assert entry["event"] == "tracker read" and entry["rows"] == 140 and entry["run_id"] == "r1"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_child_loggers_reach_the_file(tmp_path: Path) -> None:
    setup_logging(tmp_path, "json", "r2", now=NIGHT)
    logging.getLogger("sos_sync.google").error("sheet not shared", extra={"urn": "100001"})
    path = current_log_file()
    assert path is not None
    shutdown_logging()
    [entry] = _lines(path)
    assert entry["level"] == "error" and entry["urn"] == "100001"


def test_log_file_name_uses_utc() -> None:
    bst = dt.datetime(2026, 6, 1, 2, 30, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert log_file_name(bst, "abc") == "sync-20260601-013000-abc.log"


def test_rotation_keeps_the_newest_n_run_logs_and_never_cron_log(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "cron.log").write_text("cron output\n")
    for day in range(1, 6):
        (folder / f"sync-202611{day:02d}-023000-old{day}.log").write_text("{}\n")
    setup_logging(tmp_path, "json", "new", keep=3, now=NIGHT)
    shutdown_logging()
    assert sorted(p.name for p in folder.iterdir()) == [
        "cron.log",
        "sync-20261104-023000-old4.log",
        "sync-20261105-023000-old5.log",
        "sync-20261128-023005-new.log",
    ]
    assert rotate_logs(folder, keep=1) == [
        folder / "sync-20261104-023000-old4.log",
        folder / "sync-20261105-023000-old5.log",
    ]
    with pytest.raises(ValueError, match="keep at least one"):
        rotate_logs(folder, keep=0)


def test_default_keeps_thirty(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    for n in range(40):
        (folder / f"sync-20261001-{n:06d}-x.log").write_text("")
    setup_logging(tmp_path, "json", "now", now=NIGHT)
    assert len(list(folder.glob("sync-*.log"))) == 30


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("contact jane.smith@school.coventry.sch.uk replied", "contact [email removed] replied"),
        ("a+tag@x.co.uk,b@y.org", "[email removed],[email removed]"),
        ("URN 123456 moved to step 2", "URN 123456 moved to step 2"),
        ("share it with sync@emas-123.iam.gserviceaccount.com", None),
        ("@handle and user@localhost stay", None),
    ],
)
def test_redact_emails(text: str, expected: str | None) -> None:
    assert redact_emails(text) == (text if expected is None else expected)


def test_no_email_reaches_stderr_or_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = setup_logging(tmp_path, "json", "r3", now=NIGHT)
    log.info("bad row from %s", "head@oakfield.sch.uk", extra={"row": {"email": "a@b.com"}})
    try:
        raise ValueError("no school for teacher@example.org")
    except ValueError:
        log.exception("row skipped", extra={"urn": "123456"})
    path = current_log_file()
    assert path is not None
    shutdown_logging()
    everything = capsys.readouterr().err + path.read_text()
    assert "@oakfield" not in everything and "a@b.com" not in everything
    assert "teacher@example.org" not in everything
    entries = _lines(path)
    assert entries[0]["event"] == "bad row from [email removed]"
    assert entries[0]["row"] == {"email": "[email removed]"}
    assert "ValueError: no school for [email removed]" in str(entries[1]["traceback"])
    assert entries[1]["urn"] == "123456"


def test_no_workspace_means_stderr_only(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging(None, "json", "solo").info("hello")
    assert current_log_file() is None
    assert json.loads(capsys.readouterr().err)["event"] == "hello"


def test_setting_up_twice_replaces_the_handlers(tmp_path: Path) -> None:
    setup_logging(tmp_path, "json", "one", now=NIGHT)
    log = setup_logging(tmp_path, "json", "two", now=NIGHT)
    ours = [h for h in log.handlers if getattr(h, "_sos_sync", False)]
    assert len(ours) == 2  # stderr and the second run's file
    assert current_log_file() == tmp_path / "logs" / "sync-20261128-023005-two.log"


def test_shutdown_hands_records_back_to_the_root_logger(tmp_path: Path) -> None:
    log = setup_logging(tmp_path, "json", "r9", now=NIGHT)
    assert log.propagate is False  # no second copy through the root logger during a run
    shutdown_logging()
    assert log.propagate is True and current_log_file() is None


@pytest.mark.parametrize("run_id", ["", "../x", "a b", "x" * 65])
def test_bad_run_ids_are_refused(tmp_path: Path, run_id: str) -> None:
    with pytest.raises(ValueError, match="run_id"):
        setup_logging(tmp_path, "json", run_id)
