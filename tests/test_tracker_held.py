"""A person holding the tracker open (Excel or LibreOffice): the night waits, says who, exits 75."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import TODAY, tracker_values
from killing import NEXT, add_later_responses, demo_workspace, local_outcome, summary

from sos_sync.errors import TrackerHeld
from sos_sync.run.sync import run_sync


def _libreoffice(ws: Path) -> Path:
    lock = ws / ".~lock.tracker.xlsx#"
    lock.write_text(
        "Priya Shah,priya,lead-laptop,01.12.2026 09:14,file:///home/priya/.config/libreoffice/4;"
    )
    return lock


def _excel(ws: Path) -> Path:
    lock = ws / "~$tracker.xlsx"
    name = b"Sam Okafor"
    lock.write_bytes(bytes([len(name)]) + name + b" " * (53 - len(name)) + b"\x00" * 111)
    return lock


@pytest.mark.parametrize(
    ("make_lock", "who"), [(_libreoffice, "Priya Shah"), (_excel, "Sam Okafor")]
)
def test_the_night_waits_while_a_person_holds_the_tracker(
    tmp_path: Path, make_lock: object, who: str
) -> None:
    ws = demo_workspace(tmp_path / "ws", first_night_only=False)
    run_sync(ws, TODAY)
    add_later_responses(ws)
    before = (ws / "tracker.xlsx").read_bytes()
    lock = make_lock(ws)  # type: ignore[operator]
    with pytest.raises(TrackerHeld) as exc:
        run_sync(ws, NEXT)
    assert exc.value.exit_code == 75
    assert who in str(exc.value) and "Nothing was written" in str(exc.value)
    assert (ws / "tracker.xlsx").read_bytes() == before
    # the next free night writes what waited, as if it had never been held
    lock.unlink()
    clean = demo_workspace(tmp_path / "clean", first_night_only=False)
    run_sync(clean, TODAY)
    add_later_responses(clean)
    expected = run_sync(clean, NEXT)
    got = run_sync(ws, NEXT)
    assert (local_outcome(ws)["tabs"], summary(got)) == (
        local_outcome(clean)["tabs"],
        summary(expected),
    )


def test_a_quiet_night_is_fine_while_the_tracker_is_open(workspace: Path) -> None:
    run_sync(workspace, TODAY)
    values = tracker_values(workspace)
    _libreoffice(workspace)
    assert run_sync(workspace, TODAY).quiet  # nothing to write: nothing to wait for
    assert tracker_values(workspace) == values


def test_the_cli_exits_75_and_names_who_holds_it(tmp_path: Path) -> None:
    ws = demo_workspace(tmp_path / "ws", first_night_only=True)
    _libreoffice(ws)
    exe = [sys.executable, "-c", "from sos_sync.cli.main import main; main()"]
    p = subprocess.run(
        [*exe, "sync", "-w", str(ws), "--today", TODAY.isoformat()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 75, p.stderr
    assert "open in LibreOffice by Priya Shah (since 01.12.2026 09:14)" in p.stderr
    assert not (ws / "tracker.xlsx").exists()
