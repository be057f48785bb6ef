"""The Run log and Dashboard counters come from the night's RunReport."""

from __future__ import annotations

from pathlib import Path

from helpers import TODAY, read_tab

from sos_sync.run.sync import run_sync


def test_demo_first_night_run_log_counts_equal_the_json_summary(workspace: Path) -> None:
    report = run_sync(workspace, TODAY)
    j = report.as_json()
    (row,) = read_tab(workspace, "Run log")
    assert j["events"]["created"] > 0 and j["docs"]["created"] > 0
    assert int(str(row["Events changed"])) == j["events"]["created"] + j["events"]["updated"]
    assert int(str(row["Documents changed"])) == j["docs"]["created"] + j["docs"]["updated"]
    assert int(str(row["New responses"])) == j["responses"]["new"]
    assert int(str(row["New problems"])) == j["responses"]["needs_review"]
    assert row["Run ID"] == j["run_id"] == report.run_id
    dashboard = {r["Measure"]: r for r in read_tab(workspace, "Dashboard")}
    detail = str(dashboard["Last night"]["Detail"])
    assert f"{j['events']['created']} calendar events created" in detail
    assert f"{j['docs']['created']} documents generated" in detail
    assert row["Summary"] == detail
