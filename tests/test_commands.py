"""Commands that can destroy data are safe, and commands are honest (issue 11, "Commands").

Each test here failed on the code before this change: `erase` during a sync changed
files and then exited 75; `erase` had no dry run, no confirmation, no undo; a file with
no offer table emptied the programme; `status` printed zeros for an unreadable tracker;
an emulator demo workspace failed with every command; a full disk printed tracebacks
and pointed at logs/; `schedule show --time 2am` was exit 1.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result
from helpers import by_key, read_tab

from sos_sync.cli.main import cli
from sos_sync.run.lock import workspace_lock

ROOT = Path(__file__).resolve().parent.parent
DAY = "2025-07-14"
OFFER = ROOT / "tests" / "fixtures" / "coventry-sos-offer-2024-25.txt"


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def fingerprint(ws: Path) -> dict[str, str]:
    """Every file of the workspace but the lock and logs, hashed."""
    return {
        str(p.relative_to(ws)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(ws.rglob("*"))
        if p.is_file() and not p.name.startswith(".sos-sync.lock") and "logs" not in p.parts
    }


def synced(workspace: Path) -> Path:
    assert run("sync", "-w", str(workspace), "--today", DAY).exit_code == 0
    return workspace


def test_erase_during_a_sync_exits_75_and_touches_nothing(workspace: Path) -> None:
    ws = synced(workspace)
    before = fingerprint(ws)
    with workspace_lock(ws):
        p = run("erase", "--urn", "131005", "--yes", "-w", str(ws), "--today", DAY)
    assert p.exit_code == 75 and "holds the workspace" in p.stderr
    assert fingerprint(ws) == before


def test_erase_dry_run_names_the_school_and_changes_nothing(workspace: Path) -> None:
    ws = synced(workspace)
    before = fingerprint(ws)
    p = run("erase", "--urn", "131003", "--dry-run", "-w", str(ws), "--today", DAY)
    assert p.exit_code == 0, p.stderr
    assert "Canal Side Academy" in p.stdout and "131003:audit_feedback:2024-11-14" in p.stdout
    assert "dry run" in p.stdout
    assert fingerprint(ws) == before


def test_erase_asks_first_and_no_answer_changes_nothing(workspace: Path) -> None:
    ws = synced(workspace)
    before = fingerprint(ws)
    p = run("erase", "--urn", "131003", "-w", str(ws), "--today", DAY, input="n\n")
    assert "Canal Side Academy" in p.stdout and "Erase?" in p.stdout
    assert p.exit_code == 1 and fingerprint(ws) == before
    nobody = run("erase", "--urn", "131003", "-w", str(ws), "--today", DAY, input="")
    assert nobody.exit_code == 1 and fingerprint(ws) == before  # no terminal: no erasure


def test_erase_refuses_a_urn_the_tracker_does_not_know(workspace: Path) -> None:
    ws = synced(workspace)
    before = fingerprint(ws)
    p = run("erase", "--urn", "139999", "--yes", "-w", str(ws), "--today", DAY)
    assert p.exit_code == 2 and "No school with URN 139999" in p.stderr
    assert fingerprint(ws) == before


def test_erase_with_yes_then_undo_brings_the_data_back(workspace: Path) -> None:
    ws = synced(workspace)
    p = run("erase", "--urn", "131003", "--yes", "-w", str(ws), "--today", DAY)
    assert p.exit_code == 0, p.stderr
    assert "Erased the personal data of Canal Side Academy (URN 131003)" in p.stdout
    assert "1 generated document(s) removed" in p.stdout
    assert by_key(read_tab(ws, "Schools"), "URN")["131003"]["Contact name"] == "(erased)"
    u = run("erase", "--undo", "--urn", "131003", "-w", str(ws))
    assert u.exit_code == 0 and "Taken off the suppression list" in u.stdout
    assert run("sync", "-w", str(ws), "--today", DAY).exit_code == 0
    contact = by_key(read_tab(ws, "Schools"), "URN")["131003"]["Contact name"]
    assert contact not in ("(erased)", None)  # the forms still hold it: the night restores it
    again = run("erase", "--undo", "--urn", "131003", "-w", str(ws))
    assert "not on the suppression list" in again.stdout


def test_programme_import_refuses_a_file_with_no_offer_table(empty_workspace: Path) -> None:
    ws = empty_workspace
    before = (ws / "programme.toml").read_bytes()
    junk = ws / "minutes.txt"
    junk.write_text("Minutes of the network meeting\nNo table here.\n", encoding="utf-8")
    p = run("programme", "import", str(junk), "-w", str(ws))
    assert p.exit_code == 2 and "programme was not changed" in p.stderr
    assert (ws / "programme.toml").read_bytes() == before
    assert not (ws / "backups").exists()


def test_programme_import_dry_run_and_backup(empty_workspace: Path) -> None:
    ws = empty_workspace
    before = (ws / "programme.toml").read_bytes()
    d = run("programme", "import", str(OFFER), "-w", str(ws), "--dry-run")
    assert d.exit_code == 0 and "dry run" in d.stdout and "Programme 2024-25" in d.stdout
    assert (ws / "programme.toml").read_bytes() == before
    p = run("programme", "import", str(OFFER), "-w", str(ws))
    assert p.exit_code == 0, p.stderr
    (backup,) = (ws / "backups").glob("programme-*.toml")
    assert backup.read_bytes() == before and str(backup) in p.stdout


def test_status_exits_1_when_it_cannot_read_the_tracker(workspace: Path) -> None:
    ws = synced(workspace)
    (ws / "tracker.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    p = run("status", "-w", str(ws))
    assert p.exit_code == 1 and "tracker cannot be read" in p.stderr
    assert "Schools per step" not in p.stdout  # no table of zeros


def test_an_emulator_demo_workspace_works_with_every_command(tmp_path: Path) -> None:
    out = tmp_path / "demo-google"
    d = run("demo", "--backend", "emulator", "--out", str(out))
    assert d.exit_code == 0, d.stderr
    assert f"sos-sync demo --backend emulator --out {out}" in d.stdout
    assert "reports" not in d.stdout.split("Where to look:")[1]  # it makes no reports/
    s = run("status", "-w", str(out), "--json")
    assert s.exit_code == 0, s.stdout + s.stderr
    assert sum(json.loads(s.stdout)["by_step"].values()) == 14
    assert run("problems", "-w", str(out), "--json").exit_code == 0
    e = run("export", "-w", str(out), str(tmp_path / "backup.xlsx"))
    assert e.exit_code == 0, e.stderr
    doc = run("doctor", "-w", str(out))
    assert "FAIL" not in doc.stdout.replace("FAIL nightly", ""), doc.stdout
    y = run("sync", "-w", str(out), "--json", "--today", DAY)
    assert y.exit_code == 0, y.stderr
    assert json.loads(y.stdout)["backend"] == "google" and json.loads(y.stdout)["writes"] == 0


def test_a_full_disk_is_one_plain_line_naming_the_path(workspace: Path) -> None:
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (30_000, 30_000))\n"
        "from sos_sync.cli.main import main\n"
        f"sys.argv = ['sos-sync', 'sync', '-w', {str(workspace)!r}, '--today', {DAY!r}]\n"
        "main()\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert p.returncode == 1, p.stderr
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, p.stderr
    assert "Traceback" not in p.stderr and "logs/" not in p.stderr
    assert str(workspace) in lines[0] and "could not use" in lines[0]


def test_an_unwritable_log_folder_does_not_stop_the_night(workspace: Path) -> None:
    (workspace / "logs").write_text("a file where the folder should be")
    p = run("sync", "-w", str(workspace), "--today", DAY)
    assert p.exit_code == 0 and "Traceback" not in p.stderr and "Logging error" not in p.stderr


def test_schedule_time_2am_is_a_usage_error(workspace: Path) -> None:
    p = run("schedule", "show", "--time", "2am", "-w", str(workspace))
    assert p.exit_code == 2 and "02:30" in p.stderr


def test_run_help_and_version_import_no_google_library() -> None:
    code = (
        "import sys\n"
        "from sos_sync.cli.main import cli\n"
        "for args in (['--version'], ['--help'], ['schedule', '--help']):\n"
        "    assert cli.main(args, standalone_mode=False) == 0\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('gspread', 'googleapiclient', 'google', 'openpyxl', 'rich', 'pydantic')]\n"
        "assert not heavy, heavy\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert p.returncode == 0, p.stderr


def test_the_version_is_the_packages() -> None:
    from importlib.metadata import version

    p = run("--version")
    assert p.exit_code == 0 and p.stdout.strip() == f"sos-sync, version {version('sos-sync')}"
