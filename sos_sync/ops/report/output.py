"""Where a report is written: its format from the file's suffix, never over another file.

Without `--out` the report is kept in the workspace's `reports/progress/` folder (beside
the morning reports, `reports/YYYY-MM-DD.md`), named after its period. A name already
taken gets `-2`, `-3` …: a report once written is never overwritten.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .docx_out import render_docx
from .html_out import render_html
from .layout import blocks
from .model import Report
from .pdf_out import render_pdf
from .source import UsageError, atomic_write_bytes
from .xlsx_out import render_xlsx

FORMATS = (".html", ".pdf", ".docx", ".xlsx")
FOLDER = Path("reports") / "progress"


def format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(
            f"--out {path}: the report can be written as {', '.join(FORMATS)}; "
            "choose one of these endings."
        )
    return suffix


def render(report: Report, suffix: str, generated: dt.date) -> bytes:
    if suffix == ".xlsx":
        return render_xlsx(report.tables())
    pages = blocks(report, generated)
    if suffix == ".pdf":
        return render_pdf(pages)
    if suffix == ".docx":
        return render_docx(pages)
    return render_html(pages)


def free_path(path: Path) -> Path:
    """`path`, or the first of `name-2.ext`, `name-3.ext` … that does not exist yet."""
    n = 1
    candidate = path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def default_path(workspace: Path, report: Report) -> Path:
    return workspace / FOLDER / f"progress-{report.period.slug}.html"


def write_report(report: Report, target: Path, generated: dt.date) -> Path:
    """Render `report` in the format `target`'s suffix names; return the path written."""
    suffix = format_of(target)
    data = render(report, suffix, generated)
    target.parent.mkdir(parents=True, exist_ok=True)
    path = free_path(target)
    atomic_write_bytes(path, data)
    return path
