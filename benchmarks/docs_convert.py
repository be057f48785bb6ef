"""Check that LibreOffice opens the .docx files sos-sync writes: convert each kind to PDF.

Renders one fictional document of each kind with the shipped templates and default
criteria, writes it with the local backend's .docx writer, converts it with
``libreoffice --headless --convert-to pdf`` (or ``soffice``) and prints, per document, the
conversion time and the PDF size. Not part of the test suite: LibreOffice is a large
optional install (``apt-get install -y libreoffice-writer-nogui``).

    .venv/bin/python benchmarks/docs_convert.py [--keep DIR]

Exit status: 0 all converted (or LibreOffice is not installed: it says so), 1 a conversion
failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

from sos_sync.backends.local.docx import html_to_docx
from sos_sync.domain.documents import default_templates_dir, render_document

CRITERIA = Path(__file__).resolve().parent.parent / "config" / "criteria-default.toml"
RATINGS = ["Established", "Developing", "Not started", "Embedded"] * 2
JUDGEMENTS = ["Met", "Partly met", "Not yet met", "Met"] * 2


def contexts() -> dict[str, dict[str, Any]]:
    """One fictional context per document kind."""
    with CRITERIA.open("rb") as f:
        config = tomllib.load(f)
    common: dict[str, Any] = {
        "school": {"urn": "123456", "name": "Ash Grove Primary School", "contact_name": "Jo"},
        "leads": ["Maya Okafor", "Daniel Price"],
        "team": "Coventry Ethnic Minority Achievement Service (EMAS)",
        "generated_on": dt.date(2025, 1, 20),
    }
    criteria = config["criterion"]
    return {
        "audit_feedback": {
            **common,
            "completed_on": dt.date(2025, 1, 15),
            "criteria_version": config["version"],
            "criteria": [dict(c, rating=r) for c, r in zip(criteria, RATINGS, strict=True)],
            "notes": {"learn": "INSET in September 🌍", "embed": "مرحبا بكم", "share": "<b>x</b>"},
        },
        "application_feedback": {
            **common,
            "criteria_version": config["version"],
            "criteria": [
                dict(c, judgement=j, comment="Comment.")
                for c, j in zip(criteria, JUDGEMENTS, strict=True)
            ],
            "review": {"stage": "Draft application", "overall": "A warm application."},
        },
        "award_letter": {
            **common,
            "award": {"awarded_on": dt.date(2025, 7, 14), "renewal_due": dt.date(2028, 7, 14)},
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the .docx and .pdf files here")
    args = parser.parse_args()
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        print("LibreOffice not found (libreoffice/soffice): nothing converted.")
        print("Install it with: apt-get install -y libreoffice-writer-nogui")
        return 0
    version = subprocess.run([office, "--version"], capture_output=True, text=True).stdout
    print(f"{office}: {version.strip()}")
    with tempfile.TemporaryDirectory() as scratch:
        out = args.keep or Path(scratch) / "out"
        out.mkdir(parents=True, exist_ok=True)
        profile = Path(scratch) / "profile"  # a private profile: no clash with a running office
        failed = 0
        for kind, context in contexts().items():
            doc = render_document(kind, f"123456:{kind}:bench", context, default_templates_dir())
            source = out / f"{kind}.docx"
            html_to_docx(doc.html, source, doc.title, inputs_hash=doc.inputs_hash)
            started = time.perf_counter()
            result = subprocess.run(
                [
                    office,
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(out),
                    str(source),
                ],
                capture_output=True,
                text=True,
                timeout=300,
            )
            seconds = time.perf_counter() - started
            pdf = out / f"{kind}.pdf"
            if result.returncode == 0 and pdf.exists() and pdf.stat().st_size > 0:
                print(f"{kind:22} ok   {seconds:6.2f} s  {pdf.stat().st_size:8,} bytes  {pdf}")
            else:
                failed += 1
                print(f"{kind:22} FAIL {seconds:6.2f} s  rc={result.returncode}")
                print(result.stdout + result.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
