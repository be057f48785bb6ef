"""Responses from the form exports in the workspace's `inbox/` (SPEC §3, §9).

Every export in the folder is matched to its form by its header, whatever the file is
called (`eoi.csv`, Google's `<Form title> (Responses).csv`, the `.zip` Google downloads,
a Microsoft Forms `.xlsx`). A form fails closed, with a reason in plain words, when its
export is missing, empty, holds only the header, cannot be read, was cut short, lacks
a mapped question, or when two different exports claim it. The inbox folder itself
missing is a configuration error, raised before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from sos_sync.backends.base import ResponsesRead
from sos_sync.backends.local.exports import ExportProblem
from sos_sync.backends.local.exports.files import (
    ExportTable,
    export_files,
    read_export_file,
    scan_inbox,
)
from sos_sync.backends.local.exports.layout import (
    detect_layout,
    fold_title,
    form_by_header,
    known_titles,
    question_columns,
)
from sos_sync.backends.local.exports.rows import export_responses
from sos_sync.backends.local.inbox_cache import (
    CACHE_NAME,
    from_json,
    inbox_key,
    inbox_still,
    to_json,
)
from sos_sync.backends.local.parse_cache import ParseCache
from sos_sync.domain.forms import FORM_KINDS, FormKind, FormSpec
from sos_sync.domain.responses import RawResponse
from sos_sync.errors import ConfigError

__all__ = [
    "InboxSource",
    "fold_title",
    "match_header",
    "missing_questions_reason",
    "read_csv_export",
]


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
    layout = detect_layout(header)
    if layout.submitted is None:
        raise ValueError(f"{where} has no `Timestamp` column; {hint}")
    columns, missing = question_columns(header, spec)
    if missing:
        raise ValueError(missing_questions_reason(spec, where, missing))
    return layout.submitted, layout.email, columns


def _responses_of(table: ExportTable, spec: FormSpec) -> list[RawResponse]:
    """The table's responses; ValueError (plain words) when it cannot stand for the form."""
    nothing = f" Nothing from the {spec.label.lower()} form was read."
    if table.problem:
        raise ExportProblem(table.problem + nothing)
    responses, missing = export_responses(table.rows, spec, table.where)
    if missing:
        raise ValueError(missing_questions_reason(spec, table.where, missing))
    if not responses:
        raise ExportProblem(
            f"{table.where} holds the questions but no responses. If the form has had "
            "responses, the download did not finish: download them again." + nothing
        )
    return responses


def read_csv_export(
    path: Path, spec: FormSpec, source_name: str | None = None
) -> list[RawResponse]:
    """Read one export file (any encoding, delimiter or service) for `spec`.

    Raises ValueError in plain words when it is empty, holds only its header, cannot be
    read, was cut short or lacks a mapped question.
    """
    where = source_name or path.name
    tables = read_export_file(path, where, known_titles({spec.kind: spec}), fold_title)
    if not tables:
        raise ExportProblem(f"{where} is a .zip with no export in it.")
    return _responses_of(tables[0], spec)


def _name_keys(spec: FormSpec) -> set[str]:
    """The file names (folded, no extension) that stand for a form when its header does not."""
    stem = Path(spec.inbox_file).stem
    return {fold_title(n) for n in (stem, spec.label, f"{spec.label} (Responses)")}


class InboxSource:
    """Every form's export from one folder."""

    def __init__(
        self,
        inbox: Path,
        forms: Mapping[FormKind, FormSpec],
        label: str = "inbox",
        cache: ParseCache | None = None,
        may_keep: Callable[[], bool] = lambda: True,
    ) -> None:
        self.inbox = inbox
        self.forms = dict(forms)
        self.label = label
        self.cache = cache  # the night before's responses, while the exports are the same
        self.may_keep = may_keep  # whether responses may be kept in the cache tonight

    def read_responses(self) -> ResponsesRead:
        if not self.inbox.is_dir():
            raise ConfigError(
                f"The inbox folder {self.inbox} does not exist, so no form could be read. "
                "Create it and put the forms' exports in it, or set "
                "[local] inbox in sos-sync.toml to the folder that holds them."
            )
        contents = {p: p.read_bytes() for p in export_files(self.inbox)}
        if self.cache is None:
            return self._parse(contents)
        key = inbox_key(contents, self.forms, self.label)
        still = inbox_still(self.inbox, self.forms, self.label, key, self.may_keep)
        kept = self.cache.get(CACHE_NAME, key)
        if kept is not None:
            try:
                result = from_json(kept)
            except (TypeError, KeyError, ValueError, AttributeError):
                pass  # not an entry this version wrote: parse the exports
            else:
                self.cache.keep(CACHE_NAME, key, still)
                return result
        result = self._parse(contents)
        if self.may_keep():
            self.cache.stage(CACHE_NAME, key, to_json(result), still)
        else:
            self.cache.drop(CACHE_NAME)
        return result

    def _parse(self, contents: Mapping[Path, bytes]) -> ResponsesRead:
        known = known_titles(self.forms)
        tables = scan_inbox(self.inbox, known, fold_title, self.label, contents)
        claimed, unmatched = self._assign(tables)
        result = ResponsesRead()
        for kind in FORM_KINDS:
            spec = self.forms[kind]
            mine = claimed.get(kind, [])
            try:
                result.responses[kind] = self._read_form(spec, mine, unmatched)
            except ValueError as exc:
                result.failed[kind] = str(exc)
        return result

    def _assign(
        self, tables: list[ExportTable]
    ) -> tuple[dict[FormKind, list[ExportTable]], list[ExportTable]]:
        """Each table to the form its header (else its name) says; the rest unmatched."""
        claimed: dict[FormKind, list[ExportTable]] = {}
        unmatched: list[ExportTable] = []
        by_name = {key: kind for kind, spec in self.forms.items() for key in _name_keys(spec)}
        for t in tables:
            whole, resembles = form_by_header(t.header, self.forms) if t.rows else (None, None)
            kind = whole or by_name.get(fold_title(t.stem)) or resembles
            if kind is None:
                unmatched.append(t)
            else:
                claimed.setdefault(kind, []).append(t)
        return claimed, unmatched

    def _read_form(
        self, spec: FormSpec, tables: list[ExportTable], unmatched: list[ExportTable]
    ) -> list[RawResponse]:
        # the same export twice (a .zip and the file inside it) is one export
        distinct = list({t.rows if not t.problem else t.where: t for t in tables}.values())
        if not distinct:
            raise ExportProblem(self._missing_reason(spec, unmatched))
        if len(distinct) > 1:
            names = ", ".join(f"`{t.where}`" for t in tables)
            raise ExportProblem(
                f"Different exports hold the {spec.label.lower()} form: {names}. Nothing "
                "from this form was read. Keep the newest download in the inbox and move the "
                "others out."
            )
        return _responses_of(distinct[0], spec)

    def _missing_reason(self, spec: FormSpec, unmatched: list[ExportTable]) -> str:
        reason = (
            f"No export of the {spec.label.lower()} form is in {self.label}/ (expected "
            f"`{spec.inbox_file}`, Google's `{spec.label} (Responses).csv` or its .zip, or a "
            "Microsoft Forms .xlsx, recognised by their questions). Nothing from this form was "
            "read; download its responses into the inbox."
        )
        if unmatched:
            others = ", ".join(
                f"`{t.where}`" + (f" ({t.problem})" if t.problem else "") for t in unmatched
            )
            reason += f" Files not recognised as any form's export: {others}."
        return reason
