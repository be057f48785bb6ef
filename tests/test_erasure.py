"""Erasure (UK GDPR) and retention: removed, reported, and not brought back by the next night."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from helpers import TODAY, by_key, read_tab

from sos_sync.domain.report import RunReport
from sos_sync.ops.erase import erase

Sync = Callable[..., RunReport]


def _everything(ws: Path) -> str:
    """Every byte the workspace holds that a person or a tool could read, as text."""
    out = []
    for p in ws.rglob("*"):
        if p.is_file() and "inbox" not in p.parts:
            if p.suffix in (".xlsx", ".docx"):
                with zipfile.ZipFile(p) as z:
                    out.extend(z.read(n).decode("utf-8", "replace") for n in z.namelist())
            else:
                out.append(p.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(out)


def test_erasing_a_person_removes_them_everywhere_and_for_good(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    address = "g.obi@canalside.example.sch.uk"
    assert address in _everything(workspace)
    report = erase(workspace, TODAY, email=address)
    text = "\n".join(report.lines())
    assert "Erased the personal data of e-mail address" in text and "Schools" in text
    assert any("131003" in d for d in report.documents_removed)
    everything = _everything(workspace)
    assert address not in everything
    assert "Grace Obi" not in everything
    schools = by_key(read_tab(workspace, "Schools"), "URN")
    assert (
        schools["131003"]["Contact name"] == "(erased)"
        and schools["131003"]["Contact email"] is None
    )
    assert schools["131003"]["Step"] == 2  # the school's own progress stays
    # the next night reads the same exports, which still hold the address
    again = sync(workspace)
    assert again.writes == 0
    assert address not in _everything(workspace)


def test_erasing_a_school_removes_its_staff_details(workspace: Path, sync: Sync) -> None:
    sync(workspace)
    erase(workspace, TODAY, urn="131005")
    everything = _everything(workspace)
    assert "office@daffodil.example.sch.uk" not in everything and "Ian Reid" not in everything
    assert "staff@131005.example.sch.uk" not in everything  # its event sign-ups' attendee
    assert "Daffodil Lane Infant School" in everything  # the school itself is not personal data
    assert sync(workspace).writes == 0


def test_retention_erases_old_personal_details(workspace: Path, sync: Sync) -> None:
    cfg = workspace / "sos-sync.toml"
    cfg.write_text(cfg.read_text() + "\n[retention]\nresponses_days = 365\n")
    sync(workspace)
    everything = _everything(workspace)
    assert "m.ahmed@greenway.example.sch.uk" not in everything  # 2021: older than a year
    assert "p.shah@ashgrove.example.sch.uk" in everything  # 2025: kept
