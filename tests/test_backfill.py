"""Backfill policy: the first night makes documents for this academic year only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from helpers import by_key, read_tab

from sos_sync.cli.main import cli
from sos_sync.domain.report import RunReport as RunResult

Sync = Callable[..., RunResult]


def test_the_first_night_leaves_older_responses_until_the_lead_asks(
    workspace: Path, sync: Sync
) -> None:
    sync(workspace)  # 14 July 2025: the academic year began on 1 September 2024
    docs = workspace / "docs"
    names = {p.name for p in docs.iterdir()}
    assert "131003-audit_feedback-2024-11-14.docx" in names  # this year's
    assert not [n for n in names if "2021-06-01" in n or "2024-03-11" in n]
    rows = by_key(read_tab(workspace, "Documents"), "Doc key")
    old = rows["131008:audit_feedback:2021-06-01"]
    assert str(old["Status"]).startswith("Not made: dated before 01 September 2024")
    sync(workspace, dt.date(2025, 7, 15))
    assert {p.name for p in docs.iterdir()} == names  # later nights leave them too
    result = CliRunner().invoke(cli, ["documents", "backfill", "-w", str(workspace)])
    assert result.exit_code == 0 and "older document" in result.output
    sync(workspace, dt.date(2025, 7, 16))
    made = {p.name for p in docs.iterdir()} - names
    assert "131008-audit_feedback-2021-06-01.docx" in made
    assert "131008-audit_feedback-2021-06-01.pdf" in made
    rows = by_key(read_tab(workspace, "Documents"), "Doc key")
    assert rows["131008:audit_feedback:2021-06-01"]["Status"] == "Generated"
