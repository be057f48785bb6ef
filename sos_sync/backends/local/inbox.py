"""Responses from Google Forms CSV exports in the workspace's `inbox/` (SPEC §3, §9).

Each form's export is `inbox/<file>.csv` ("Download responses (.csv)"): a header of
`Timestamp`, optionally `Email Address`, then one column per question titled with the
question text. Columns are matched to fields by title (forgiving case, spacing and dash
style); a mapped question missing from the header fails that form closed.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from sos_sync.backends.base import ResponsesRead
from sos_sync.domain.forms import FORM_KINDS, FormSpec
from sos_sync.domain.responses import RawResponse, csv_response_id

_DASHES = str.maketrans({"–": "-", "—": "-", "’": "'", "‘": "'"})


def fold_title(title: str) -> str:
    return re.sub(r"\s+", " ", title.translate(_DASHES)).strip().casefold()


def missing_questions_reason(spec: FormSpec, where: str, missing: list[str]) -> str:
    """The fail-closed message: which questions a form lost, and the config edit that fixes it."""
    return (
        f"The {spec.label.lower()} form ({where}) no longer has the question"
        f"{'s' if len(missing) > 1 else ''} "
        + "; ".join(f"`{m}`" for m in missing)
        + ". Nothing from this form was written. If the question was reworded, map the new "
        f"title in sos-sync.toml under [forms.{spec.kind}.questions]."
    )


def match_header(
    header: list[str], spec: FormSpec, where: str, hint: str
) -> tuple[int, int | None, dict[str, int]]:
    """Timestamp column, e-mail column and field -> column of a responses header (an export or
    a linked response tab). Raises ValueError, in plain words, when a question is missing."""
    folded = {fold_title(h): i for i, h in reversed(list(enumerate(header)))}
    ts_col = folded.get("timestamp")
    if ts_col is None:
        raise ValueError(f"{where} has no `Timestamp` column; {hint}")
    columns: dict[str, int] = {}
    missing = []
    for f in spec.fields:
        i = folded.get(fold_title(f.title))
        if i is None:
            missing.append(f.title)
        else:
            columns[f.name] = i
    if missing:
        raise ValueError(missing_questions_reason(spec, where, missing))
    return ts_col, folded.get("email address"), columns


def read_csv_export(
    path: Path, spec: FormSpec, source_name: str | None = None
) -> list[RawResponse]:
    """Read one export; raise ValueError naming the missing question when one is missing."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return []
    header = rows[0]
    ts_col, email_col, columns = match_header(
        header, spec, source_name or path.name, "is it a Google Forms export?"
    )
    out: list[RawResponse] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(i: int | None, row: list[str] = row) -> str:
            return row[i] if i is not None and i < len(row) else ""

        texts = {name: cell(i) for name, i in columns.items()}
        answers: dict[str, str | tuple[str, ...]] = dict(texts)
        ts = cell(ts_col)
        email = cell(email_col)
        rid = csv_response_id(spec.kind, ts, email, texts.get("school", ""), texts.get("urn", ""))
        out.append(
            RawResponse(
                kind=spec.kind,
                response_id=rid,
                submitted_raw=ts,
                email=email.strip(),
                answers=answers,
                source=f"{source_name or path.name} row {n}",
            )
        )
    return out


class InboxSource:
    """Every form's CSV export from one folder."""

    def __init__(self, inbox: Path, forms: dict[str, FormSpec]) -> None:
        self.inbox = inbox
        self.forms = forms

    def read_responses(self) -> ResponsesRead:
        result = ResponsesRead()
        for kind in FORM_KINDS:
            spec = self.forms[kind]
            path = self.inbox / spec.inbox_file
            if not path.exists():
                result.responses[kind] = []
                continue
            try:
                result.responses[kind] = read_csv_export(path, spec, f"inbox/{spec.inbox_file}")
            except ValueError as exc:
                result.failed[kind] = str(exc)
        return result
