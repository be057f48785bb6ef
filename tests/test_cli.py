"""The command line as a technician and the nightly scheduler use it (SPEC §10), in process.

Each test drives the real `sos-sync` group through click's CliRunner (stdout and stderr
apart), so exit codes come from the one place that maps errors to them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from sos_sync.cli.main import COMMANDS, cli
from sos_sync.run.lock import workspace_lock
from sos_sync.run.state import read_runs

ROOT = Path(__file__).resolve().parent.parent
DAY = "2025-07-14"


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names: list[str] = []
    for name in COMMANDS:
        cmd = cli.get_command(None, name)  # type: ignore[arg-type]
        sub = getattr(cmd, "commands", None)
        names.extend(f"sos-sync {name} {s}" for s in sub) if sub else names.append(
            f"sos-sync {name}"
        )
    assert len(names) >= len(COMMANDS)
    for n in names:
        assert n in readme, f"`{n}` is not in the README"


def test_sync_json_has_the_automation_contract(workspace: Path) -> None:
    p = run("sync", "-w", str(workspace), "--json", "--today", DAY)
    assert p.exit_code == 0, p.stderr
    j = json.loads(p.stdout)
    assert {"ok", "backend", "responses", "schools", "events", "docs", "writes", "requests"} <= set(
        j
    )
    assert set(j["responses"]) >= {"new", "updated", "needs_review"}
    assert set(j["schools"]) >= {"created", "updated", "by_step"}
    assert j["ok"] is True and j["writes"] > 0
    again = json.loads(run("sync", "-w", str(workspace), "--json", "--today", DAY).stdout)
    assert again["writes"] == 0


def test_dry_run_prints_the_plan_and_writes_nothing(workspace: Path) -> None:
    p = run("sync", "-w", str(workspace), "--dry-run", "--today", DAY)
    assert p.exit_code == 0, p.stderr
    assert "Schools:" in p.stdout and "+ row 131003" in p.stdout
    assert "nothing was written" in p.stdout
    assert not (workspace / "tracker.xlsx").exists()


def test_exit_2_for_a_configuration_error_before_any_write(workspace: Path) -> None:
    cfg = workspace / "sos-sync.toml"
    cfg.write_text(cfg.read_text().replace('backend = "local"', 'backend = "sharepoint"'))
    p = run("sync", "-w", str(workspace))
    assert p.exit_code == 2
    assert "backend" in p.stderr and "nothing was written" in p.stderr
    assert not (workspace / "tracker.xlsx").exists()
    j = json.loads(run("sync", "-w", str(workspace), "--json").stdout)
    assert j["ok"] is False and j["exit_code"] == 2 and "backend" in j["error"]


def test_exit_75_and_one_json_object_when_another_run_holds_the_workspace(
    workspace: Path,
) -> None:
    with workspace_lock(workspace):
        p = run("sync", "-w", str(workspace))
        j = run("sync", "-w", str(workspace), "--json")
    assert p.exit_code == 75 and j.exit_code == 75
    assert "Another sos-sync run holds the workspace" in p.stderr
    assert json.loads(j.stdout) == {
        "ok": False,
        "exit_code": 75,
        "error": json.loads(j.stdout)["error"],
    }
    assert "holds the workspace" in json.loads(j.stdout)["error"]
    assert not (workspace / "tracker.xlsx").exists()


def test_exit_1_when_the_run_fails_and_status_and_doctor_lead_with_it(workspace: Path) -> None:
    (workspace / "tracker.xlsx").write_text("not a workbook")
    p = run("sync", "-w", str(workspace), "--today", DAY)
    assert p.exit_code == 1
    last = read_runs(workspace)[-1]
    error = last["error"]
    assert last["ok"] is False and error
    report = (workspace / "reports" / f"{DAY}.md").read_text()
    assert "FAILED" in report or "failed" in report
    s = run("status", "-w", str(workspace), "--json")
    assert s.exit_code == 1  # the tracker cannot be read: not a table of zeros
    st = json.loads(s.stdout)
    assert st["ok"] is False and st["attention"] and "tracker" in st["tracker_error"]
    d = run("doctor", "-w", str(workspace))
    assert d.exit_code == 1 and "tracker" in d.stdout
    assert "last run" in d.stdout and error[:40] in d.stdout  # the last run's own error


def test_json_logs_carry_urns_not_emails(workspace: Path) -> None:
    p = run("sync", "-w", str(workspace), "--log-format", "json", "--today", DAY)
    assert p.exit_code == 0, p.stderr
    events = [json.loads(line) for line in p.stderr.splitlines() if line.startswith("{")]
    assert any(e["event"] == "run finished" for e in events)
    logs = list((workspace / "logs").glob("sync-*.log"))
    assert len(logs) == 1
    text = logs[0].read_text() + p.stderr
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text)


def test_quiet_prints_nothing_and_verbose_prints_the_events(workspace: Path) -> None:
    q = run("--quiet", "sync", "-w", str(workspace), "--today", DAY)
    assert q.exit_code == 0 and q.stdout == "" and q.stderr == ""
    v = run("--verbose", "sync", "-w", str(workspace), "--today", DAY)
    assert v.exit_code == 0 and "run finished" in v.stderr and "Schools per step" in v.stdout


def test_init_programme_and_status(tmp_path: Path) -> None:
    ws = tmp_path / "coventry"
    assert run("init", str(ws), "--example", "coventry").exit_code == 0
    assert run("init", str(ws)).exit_code == 2  # never overwrites a workspace
    listed = json.loads(run("programme", "list", "-w", str(ws), "--json").stdout)
    assert any(e["key"] == "network-meeting-2025-03-18" for e in listed)
    (ws / "programme.toml").unlink()
    offer = ROOT / "tests" / "fixtures" / "coventry-sos-offer-2024-25.txt"
    p = run("programme", "import", str(offer), "-w", str(ws))
    assert p.exit_code == 0, p.stderr
    assert "Monday" in p.stdout  # the 4 March contradiction is reported
    assert (ws / "programme.toml").exists()
    s = run("status", "-w", str(ws), "--json")
    assert s.exit_code == 0  # no tracker yet is not an error: the first sync makes it
    assert json.loads(s.stdout)["by_step"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}


def test_init_google_takes_the_spreadsheet_id_and_prints_brackets(tmp_path: Path) -> None:
    ws = tmp_path / "g"
    p = run("init", str(ws), "--backend", "google", "--spreadsheet-id", "1AbC-sheet_id")
    assert p.exit_code == 0, p.stderr
    assert 'spreadsheet_id = "1AbC-sheet_id"' in (ws / "sos-sync.toml").read_text()
    assert "fill in [google]" in p.stdout  # not eaten as Rich markup
    assert run("init", str(tmp_path / "l"), "--spreadsheet-id", "x").exit_code == 2


def test_export_xlsx_csv_and_unknown_extension(workspace: Path, tmp_path: Path) -> None:
    assert run("sync", "-w", str(workspace), "--today", DAY).exit_code == 0
    target = tmp_path / "backup.xlsx"
    assert run("export", "-w", str(workspace), str(target)).exit_code == 0
    wb = openpyxl.load_workbook(target)
    names = [r[1] for r in wb["Schools"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("https://evil.example","Click me")' in names
    assert len(wb.sheetnames) == 12
    p = run("export", "-w", str(workspace), str(tmp_path / "out.csv"))
    assert p.exit_code == 0, p.stderr
    csvs = sorted(f.name for f in tmp_path.glob("out-*.csv"))
    assert (
        len(csvs) == 12 and "out-Needs-review.csv" in csvs and not (tmp_path / "out.csv").exists()
    )
    text = (tmp_path / "out-Schools.csv").read_text(encoding="utf-8-sig")
    assert text.startswith("URN,School") and "'=HYPERLINK" in text
    bad = run("export", "-w", str(workspace), str(tmp_path / "out.pdf"))
    assert bad.exit_code == 2 and ".xlsx" in bad.stderr and not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize("kind", ["cron", "systemd", "ci", "windows"])
def test_schedule_show(kind: str, workspace: Path) -> None:
    p = run("schedule", "show", "--kind", kind, "-w", str(workspace))
    assert p.exit_code == 0, p.stderr
    assert str(workspace) in p.stdout or kind == "ci"


def test_a_usage_mistake_is_exit_2(workspace: Path) -> None:
    p = run("schedule", "show", "--time", "2am", "-w", str(workspace))
    assert p.exit_code == 2 and "HH:MM" in p.stderr and "unexpected" not in p.stderr
    assert run("sync", "--today", "yesterday", "-w", str(workspace)).exit_code == 2
    assert run("sync", "--no-such-option").exit_code == 2
    j = run("status", "--json", "--today", "soon", "-w", str(workspace))
    assert j.exit_code == 2 and json.loads(j.stdout)["exit_code"] == 2


def test_errors_are_never_wrapped_inside_a_path(tmp_path: Path) -> None:
    deep = tmp_path / ("a-rather-long-folder-name-" * 4) / "workspace"
    p = CliRunner(env={"COLUMNS": "40"}).invoke(cli, ["sync", "-w", str(deep)])
    assert p.exit_code == 2
    assert any(str(deep) in line for line in p.stderr.splitlines())


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str) -> None:
    p = run("completion", shell)
    assert p.exit_code == 0 and "_SOS_SYNC_COMPLETE" in p.stdout
    assert run("completion", "tcsh").exit_code == 2


def test_reports_of_the_same_day_never_overwrite_each_other(workspace: Path) -> None:
    assert run("sync", "-w", str(workspace), "--today", DAY).exit_code == 0
    first = (workspace / "reports" / f"{DAY}.md").read_text()
    assert run("sync", "-w", str(workspace), "--today", DAY).exit_code == 0
    assert (workspace / "reports" / f"{DAY}.md").read_text() == first
    assert (workspace / "reports" / f"{DAY}-2.md").exists()


def test_problems_and_school_history(workspace: Path) -> None:
    assert run("sync", "-w", str(workspace), "--today", DAY).exit_code == 0
    p = json.loads(run("problems", "-w", str(workspace), "--json").stdout)
    assert p["open"] == len(p["problems"]) == 8
    assert all(x["Status"] == "Open" for x in p["problems"])
    human = run("problems", "-w", str(workspace))
    assert "Juniper Park Primary School (131015)" in human.stdout
    h = json.loads(run("school", "131003", "-w", str(workspace), "--json").stdout)
    assert h["school"] == "Canal Side Academy" and h["milestones"]["Audit completed"]
    assert {r["form"] for r in h["responses"]} >= {"EOI responses", "Audit responses"}
    assert h["events"] and h["documents"] and h["problems"]
    assert run("school", "999999", "-w", str(workspace)).exit_code == 2


def test_demo_twice_is_a_quiet_second_night_with_true_hints(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    p = run("demo", "--out", str(out))
    assert p.exit_code == 0, p.stderr
    assert "Schools per step" in p.stdout and "tracker.xlsx" in p.stdout
    for line in p.stdout.split("Where to look:")[1].splitlines()[1:]:
        if line.startswith("  "):
            assert Path(line.split()[1]).exists(), line  # every folder it lists is there
    assert f"sos-sync demo --out {out}" in p.stdout
    before = (out / "tracker.xlsx").read_bytes()
    j = json.loads(run("demo", "--out", str(out), "--json").stdout)
    assert j["writes"] == 0 and (out / "tracker.xlsx").read_bytes() == before
