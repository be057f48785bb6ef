"""Helpers for tests: read the tracker as a person sees it, and edit it as a lead would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl

from sos_sync.config.load import Config, load_config
from sos_sync.ops.sample import DEMO_TODAY

TODAY = DEMO_TODAY


def config_of(ws: Path) -> Config:
    return load_config(ws)


def read_tab(ws: Path, tab: str) -> list[dict[str, object]]:
    """A tab's rows as dicts (header -> value), the way a person sees it in Excel."""
    wb = openpyxl.load_workbook(ws / "tracker.xlsx")
    sheet = wb[tab]
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return []
    header = [h for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def by_key(rows: list[dict[str, object]], key: str) -> dict[str, dict[str, object]]:
    return {str(r[key]): r for r in rows if r.get(key) is not None}


def tracker_values(ws: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every tab's values, rows sorted, for comparing two trackers whatever the row order."""
    wb = openpyxl.load_workbook(ws / "tracker.xlsx")
    out = {}
    for name in wb.sheetnames:
        rows = [tuple(r) for r in wb[name].iter_rows(values_only=True)]
        out[name] = [rows[0]] + sorted(rows[1:], key=repr) if rows else []
    return out


def edit_tracker(ws: Path, fn: Callable[[openpyxl.Workbook], None]) -> None:
    """Open the tracker as a lead would (in Excel), change it, save it."""
    wb = openpyxl.load_workbook(ws / "tracker.xlsx")
    fn(wb)
    wb.save(ws / "tracker.xlsx")


def column_of(sheet: object, name: str) -> int:
    for cell in sheet[1]:  # type: ignore[index]
        if cell.value == name:
            return int(cell.column)
    raise KeyError(name)


def row_of(sheet: object, key_col: str, key: str) -> int:
    c = column_of(sheet, key_col)
    for r in range(2, sheet.max_row + 1):  # type: ignore[attr-defined]
        if str(sheet.cell(row=r, column=c).value) == key:  # type: ignore[attr-defined]
            return r
    raise KeyError(key)


def edit_word_template(path: Path, old: str, new: str) -> None:
    """Change text in a .docx template as a lead would in Word (python-docx, run by run)."""
    import docx

    document = docx.Document(str(path))
    parts = [
        document,
        *(s.header for s in document.sections),
        *(s.footer for s in document.sections),
    ]
    paragraphs = [p for part in parts for p in part.iter_inner_content() if hasattr(p, "runs")]
    paragraphs += [
        p
        for part in parts
        for t in part.tables
        for row in t.rows
        for cell in row.cells
        for p in cell.paragraphs
    ]
    for p in paragraphs:
        for run in p.runs:
            if old in run.text:
                run.text = run.text.replace(old, new, 1)
                document.save(str(path))
                return
    raise AssertionError(f"{path.name}: `{old}` is not in any run")


def small_docx(text: str) -> bytes:
    """A small Word file (a heading and a paragraph), as a document store receives one."""
    import io

    import docx

    document = docx.Document()
    document.add_heading("Letter", 1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
