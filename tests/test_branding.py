"""`init` writes the authority's own team into a new workspace, and nothing of Coventry's."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import docx
from click.testing import CliRunner
from PIL import Image

from sos_sync.cli.main import cli
from sos_sync.config.load import DATA, load_config
from sos_sync.ops.sample import write_demo_inbox
from sos_sync.run.sync import run_sync


def _all_text(folder: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()
    )


def test_init_for_a_new_authority_writes_no_coventry_names(tmp_path: Path) -> None:
    logo = tmp_path / "crest.png"
    Image.new("RGB", (60, 60), (20, 90, 120)).save(logo)
    ws = tmp_path / "leeds"
    result = CliRunner().invoke(
        cli,
        [
            "init",
            str(ws),
            "--team-name",
            "Leeds Schools of Sanctuary Team",
            "--leads",
            "Priya Shah, Tom Reed",
            "--contact-email",
            "sanctuary@leeds.example",
            "--address",
            r"Civic Hall\nLeeds LS1 1UR",
            "--logo",
            str(logo),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "coventry" not in _all_text(ws).lower()
    config = load_config(ws)
    assert config.raw.team == "Leeds Schools of Sanctuary Team"
    assert config.raw.leads == ("Priya Shah", "Tom Reed")
    assert config.raw.letterhead.address == "Civic Hall\nLeeds LS1 1UR"
    assert config.path(config.raw.letterhead.logo).read_bytes() == logo.read_bytes()
    assert config.programme.events == ()  # their own programme, not Coventry's
    # A night's letters are signed by the Leeds team under its letterhead (the demo's
    # answers need a programme to sign up to: the example's, as test data).
    shutil.copyfile(DATA / "programme-2024-25.toml", ws / "programme.toml")
    write_demo_inbox(ws / "inbox", load_config(ws))
    run_sync(ws, dt.date(2025, 7, 14))
    [letter] = sorted((ws / "docs").glob("*audit_feedback*.docx"))[:1]
    document = docx.Document(str(letter))
    body = "\n".join(p.text for p in document.paragraphs)
    header = document.sections[0].header
    head = " ".join(c.text for t in header.tables for r in t.rows for c in r.cells)
    assert "Priya Shah and Tom Reed" in body and "Coventry" not in body + head
    assert "Leeds Schools of Sanctuary Team" in head and "Leeds LS1 1UR" in head
    assert letter.with_suffix(".pdf").exists()


def test_init_without_names_writes_placeholders_and_the_example_keeps_coventry(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "plain")]).exit_code == 0
    plain = (tmp_path / "plain" / "sos-sync.toml").read_text()
    assert "coventry" not in _all_text(tmp_path / "plain").lower()
    assert "Set your team's name" in plain
    assert (
        runner.invoke(cli, ["init", str(tmp_path / "cov"), "--example", "coventry"]).exit_code == 0
    )
    example = load_config(tmp_path / "cov")
    assert example.raw.leads == ("Michelle", "Amanda") and "Coventry" in example.raw.team
    assert example.programme.events
