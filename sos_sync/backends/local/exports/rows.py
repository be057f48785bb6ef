"""One export's rows as raw responses, for the form its header matched.

Google rows keep their answers as text (a checkbox answer stays `, `-joined for the
core to split); Microsoft Forms joins the choices of a multiple-answer question with
`;`, so those become one entry per choice. Blank rows are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence

from sos_sync.backends.local.exports import ExportProblem
from sos_sync.backends.local.exports.identity import CsvIdentities, microsoft_id
from sos_sync.backends.local.exports.layout import Layout, detect_layout, question_columns
from sos_sync.domain.forms import FormSpec
from sos_sync.domain.responses import Answer, RawResponse

_ANONYMOUS = frozenset(("anonymous", "anonyme", "anonym"))


def _cell(row: Sequence[str], i: int | None) -> str:
    return row[i] if i is not None and i < len(row) else ""


def _answers(
    row: Sequence[str], columns: dict[str, int], spec: FormSpec, layout: Layout
) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    for name, i in columns.items():
        text = _cell(row, i)
        if layout.service == "microsoft" and spec.field(name).type == "checkbox":
            answers[name] = tuple(p.strip() for p in text.split(";") if p.strip())
        else:
            answers[name] = text
    return answers


def _text(answer: Answer | None) -> str:
    if answer is None:
        return ""
    return ", ".join(answer) if isinstance(answer, tuple) else answer


def export_responses(
    rows: Sequence[Sequence[str]], spec: FormSpec, where: str
) -> tuple[list[RawResponse], list[str]]:
    """The responses of an export (header first), and the question titles it lacks.

    When a question is missing no response is returned: the form fails closed. Raises
    ExportProblem when the header has no submitted-time column.
    """
    header = list(rows[0]) if rows else []
    layout = detect_layout(header)
    columns, missing = question_columns(header, spec)
    if missing or not rows:
        return [], missing
    if layout.submitted is None:
        raise ExportProblem(
            f"{where} has no `Timestamp` column (Google Forms) or `Completion time` column "
            "(Microsoft Forms); is it a form's export? Download the responses again."
        )
    ids = CsvIdentities(spec.kind)
    out: list[RawResponse] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        answers = _answers(row, columns, spec, layout)
        submitted = _cell(row, layout.submitted)
        email = _cell(row, layout.email).strip()
        aliases: tuple[str, ...] = ()
        if layout.service == "microsoft":
            email = "" if email.casefold() in _ANONYMOUS else email
            rid = microsoft_id(
                spec.kind, _cell(row, layout.response_id), _cell(row, layout.started)
            )
        else:
            school, urn = _text(answers.get("school")), _text(answers.get("urn"))
            others = tuple(_text(a) for a in answers.values())
            identity = ids.next(submitted, _cell(row, layout.email), school, urn, others)
            rid, aliases = identity.response_id, identity.aliases
        out.append(
            RawResponse(spec.kind, rid, submitted, email, answers, f"{where} row {n}", aliases)
        )
    return out, []
