"""One export's rows as raw responses, for the form its header matched.

Google rows keep their answers as text (a checkbox answer stays `, `-joined for the
core to split); Microsoft Forms joins the choices of a multiple-answer question with
`;`, so those become one entry per choice. Blank rows are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence

from sos_sync.backends.local.exports import ExportProblem
from sos_sync.backends.local.exports.identity import CsvIdentities, microsoft_id
from sos_sync.backends.local.exports.layout import detect_layout, question_columns
from sos_sync.domain.forms import FormSpec
from sos_sync.domain.responses import Answer, RawResponse

_ANONYMOUS = frozenset(("anonymous", "anonyme", "anonym"))


def _cell(row: Sequence[str], i: int | None) -> str:
    return row[i] if i is not None and i < len(row) else ""


def _answers(
    row: Sequence[str], columns: dict[str, int], choices: frozenset[str]
) -> dict[str, Answer]:
    """Answers by field; the fields in `choices` hold `;`-joined choices (Microsoft Forms)."""
    width = len(row)
    answers: dict[str, Answer] = {n: row[i] if i < width else "" for n, i in columns.items()}
    for name in choices:
        text = answers[name]
        answers[name] = tuple(p.strip() for p in str(text).split(";") if p.strip())
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
    choices = frozenset(
        n for n in columns if layout.service == "microsoft" and spec.field(n).type == "checkbox"
    )
    out: list[RawResponse] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        answers = _answers(row, columns, choices)
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
            identity = ids.next(submitted, _cell(row, layout.email), school, urn, tuple(row))
            rid, aliases = identity.response_id, identity.aliases
        out.append(
            RawResponse(spec.kind, rid, submitted, email, answers, f"{where} row {n}", aliases)
        )
    return out, []
