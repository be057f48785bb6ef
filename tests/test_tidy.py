"""Temporary files a killed run left are removed at the start of the next run (issue 11)."""

from __future__ import annotations

from pathlib import Path

from helpers import TODAY

from sos_sync.run.sync import run_sync


def test_orphaned_temporary_files_are_removed_and_nothing_else(workspace: Path) -> None:
    run_sync(workspace, TODAY)
    left = [
        workspace / "docs" / ".131001-audit_feedback.docx.k3j9.tmp",
        workspace / "state" / ".state.json.x81l.tmp",
        workspace / ".calendar.ics.abcd",
        workspace / ".tracker.xlsx.q2w3.tmp",
    ]
    keep = [workspace / "docs" / "notes.tmp", workspace / "inbox" / ".eoi.csv.tmp"]
    for path in left + keep:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half-written")
    assert run_sync(workspace, TODAY).quiet
    assert [p for p in left if p.exists()] == []
    assert all(p.exists() for p in keep)


def test_a_dry_run_removes_nothing(workspace: Path) -> None:
    orphan = workspace / ".calendar.ics.abcd"
    orphan.write_text("half-written")
    run_sync(workspace, TODAY, dry_run=True)
    assert orphan.exists()
