"""The command line as a technician and the nightly scheduler use it (SPEC §10)."""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from sos_sync.run.state import read_runs

ROOT = Path(__file__).resolve().parent.parent
EXE = [sys.executable, "-c", "from sos_sync.cli.main import main; main()"]


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*EXE, *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_every_command_is_in_the_readme() -> None:
    from sos_sync.cli.main import cli

    readme = (ROOT / "README.md").read_text()
    names: list[str] = []
    for name, cmd in cli.commands.items():
        sub = getattr(cmd, "commands", None)
        names.extend(f"sos-sync {name} {s}" for s in sub) if sub else names.append(
            f"sos-sync {name}"
        )
    assert names
    for n in names:
        assert n in readme, f"`{n}` is not in the README"


def test_sync_json_has_the_automation_contract(workspace: Path) -> None:
    p = run("sync", "-w", str(workspace), "--json", "--today", "2025-07-14")
    assert p.returncode == 0, p.stderr
    j = json.loads(p.stdout)
    assert {"ok", "backend", "responses", "schools", "events", "docs", "writes", "requests"} <= set(
        j
    )
    assert set(j["responses"]) >= {"new", "updated", "needs_review"}
    assert set(j["schools"]) >= {"created", "updated", "by_step"}
    assert j["ok"] is True and j["writes"] > 0
    again = json.loads(run("sync", "-w", str(workspace), "--json", "--today", "2025-07-14").stdout)
    assert again["writes"] == 0


def test_dry_run_prints_the_plan_and_writes_nothing(workspace: Path) -> None:
    p = run("sync", "-w", str(workspace), "--dry-run", "--today", "2025-07-14")
    assert p.returncode == 0, p.stderr
    assert (
        "Schools:" in p.stdout and "+ row 131003" in p.stdout and "nothing was written" in p.stdout
    )
    assert not (workspace / "tracker.xlsx").exists()


def test_exit_2_for_a_configuration_error_before_any_write(workspace: Path) -> None:
    cfg = workspace / "sos-sync.toml"
    cfg.write_text(cfg.read_text().replace('backend = "local"', 'backend = "sharepoint"'))
    p = run("sync", "-w", str(workspace))
    assert p.returncode == 2
    assert "backend" in p.stderr and "nothing was written" in p.stderr
    assert not (workspace / "tracker.xlsx").exists()


def test_exit_75_when_another_run_holds_the_workspace(workspace: Path) -> None:
    fd = os.open(workspace / ".sos-sync.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        p = run("sync", "-w", str(workspace))
    finally:
        os.close(fd)
    assert p.returncode == 75
    assert "Another sos-sync run holds the workspace" in p.stderr
    assert not (workspace / "tracker.xlsx").exists()


def test_exit_1_when_the_run_fails_and_status_leads_with_it(workspace: Path) -> None:
    (workspace / "tracker.xlsx").write_text("not a workbook")
    p = run("sync", "-w", str(workspace), "--today", "2025-07-14")
    assert p.returncode == 1
    assert read_runs(workspace)[-1]["ok"] is False
    report = (workspace / "reports" / "2025-07-14.md").read_text()
    assert "FAILED" in report or "failed" in report
    s = run("status", "-w", str(workspace), "--json")
    assert json.loads(s.stdout)["attention"]
    d = run("doctor", "-w", str(workspace))
    assert d.returncode == 1 and "tracker" in d.stdout


def test_json_logs_carry_urns_not_emails(workspace: Path) -> None:
    p = run("sync", "-w", str(workspace), "--log-format", "json", "--today", "2025-07-14")
    assert p.returncode == 0, p.stderr
    events = [json.loads(line) for line in p.stderr.splitlines() if line.startswith("{")]
    assert any(e["event"] == "run finished" for e in events)
    logs = list((workspace / "logs").glob("sync-*.log"))
    assert len(logs) == 1
    text = logs[0].read_text() + p.stderr
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text)


def test_init_programme_and_status(tmp_path: Path) -> None:
    ws = tmp_path / "coventry"
    assert run("init", str(ws)).returncode == 0
    assert run("init", str(ws)).returncode == 2  # never overwrites a workspace
    listed = json.loads(run("programme", "list", "-w", str(ws), "--json").stdout)
    assert any(e["key"] == "network-meeting-2025-03-18" for e in listed)
    (ws / "programme.toml").unlink()
    offer = ROOT / "tests" / "fixtures" / "coventry-sos-offer-2024-25.txt"
    p = run("programme", "import", str(offer), "-w", str(ws))
    assert p.returncode == 0, p.stderr
    assert "Monday" in p.stdout  # the 4 March contradiction is reported
    assert (ws / "programme.toml").exists()
    st = json.loads(run("status", "-w", str(ws), "--json").stdout)
    assert st["by_step"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}


def test_export_escapes_formula_text(workspace: Path, tmp_path: Path) -> None:
    assert run("sync", "-w", str(workspace), "--today", "2025-07-14").returncode == 0
    target = tmp_path / "backup.xlsx"
    assert run("export", "-w", str(workspace), str(target)).returncode == 0
    wb = openpyxl.load_workbook(target)
    names = [r[1] for r in wb["Schools"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("https://evil.example","Click me")' in names
    assert len(wb.sheetnames) == 12


@pytest.mark.parametrize("kind", ["cron", "systemd", "ci"])
def test_schedule_show(kind: str, workspace: Path) -> None:
    p = run("schedule", "show", "--kind", kind, "-w", str(workspace))
    assert p.returncode == 0, p.stderr
    assert str(workspace) in p.stdout or kind == "ci"


def test_demo_twice_is_a_quiet_second_night(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    p = run("demo", "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert "Schools per step" in p.stdout and "tracker.xlsx" in p.stdout
    before = (out / "tracker.xlsx").read_bytes()
    j = json.loads(run("demo", "--out", str(out), "--json").stdout)
    assert j["writes"] == 0 and (out / "tracker.xlsx").read_bytes() == before
