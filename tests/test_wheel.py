"""An installed wheel carries the real templates and default configuration (issue 10).

The repository keeps one copy of each at the top level (`templates/`, `config/`); the
wheel must carry them, and an installed sos-sync run from a folder outside the
repository must render the demo's documents from them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_wheel_installed_outside_the_repository_makes_the_demo_documents(
    tmp_path: Path,
) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    (wheel,) = wheels.glob("sos_sync-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (*ROOT.glob("templates/*"), *ROOT.glob("config/*")):
        assert f"sos_sync/_shipped/{shipped.parent.name}/{shipped.name}" in names
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site)]
        + [str(wheel)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [sys.executable, "-c", "import sos_sync.resources as r; print(r.templates_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(probe.stdout.strip()) == site / "sos_sync" / "_shipped" / "templates"
    demo = subprocess.run(
        [sys.executable, "-c", "from sos_sync.cli.main import main; main()"]
        + ["demo", "--out", str(elsewhere / "ws"), "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stderr
    docs = sorted((elsewhere / "ws" / "docs").glob("*.docx"))
    assert docs, "the installed demo generated no documents"
