"""Feedback documents for schools: Jinja2 templates rendered to HTML (SPEC §8).

This module owns rendering only. It turns a context (plain data the caller builds from
the tracker and configuration) into a `RenderedDocument` holding HTML in a small subset
(h1-h3, p, strong, em, ul/ol/li, table/thead/tbody/tr/th/td, a, br). The google backend
uploads that HTML to Drive, which converts it into a Google Doc; the local backend turns
the same HTML into a .docx (`sos_sync.local.docx`).

Safety: templates are loaded from files only, with ``autoescape=True`` and
``StrictUndefined``. Form text is inserted as escaped literal text: it is never evaluated
as a template, never becomes markup, and an undefined variable is an error, never a blank.

Context shapes (validated with the pydantic models below; extra keys are refused)
---------------------------------------------------------------------------------
Every kind has:

- ``school``: ``{urn: "123456" (6 digits), name: str, contact_name: str = ""}``
- ``leads``: ``[str, ...]`` the local leads signing off, e.g. ``["Maya Okafor", "Daniel Price"]``
- ``team``: ``str`` who the leads are, e.g. ``"Coventry Ethnic Minority Achievement Service
  (EMAS)"``
- ``team_email``: ``str | None = None`` where schools send questions
- ``generated_on``: ``date`` (or ``"YYYY-MM-DD"``), passed in: the clock is never read

``audit_feedback`` (`AuditFeedbackContext`), one per audit response:

- ``completed_on``: ``date`` the audit was submitted
- ``criteria_version``: ``str`` e.g. ``"default-2024"``
- ``criteria``: ``[{code: "L1", group: "LEARN"|"EMBED"|"SHARE", title: str,
  rating: "Not started"|"Developing"|"Established"|"Embedded", actions: [str] = [],
  resources: [{title: str, url: "https://..."}] = []}, ...]`` in criteria order
- ``notes``: ``{learn: str = "", embed: str = "", share: str = ""}`` the school's own
  evidence and notes per group (multi-line text; blank lines start new paragraphs)

``application_feedback`` (`ApplicationFeedbackContext`), one per `Reviews` row marked ready:

- ``criteria_version``: ``str``
- ``criteria``: ``[{code, group, title, judgement: "Met"|"Partly met"|"Not yet met",
  comment: str = "", actions: [str] = [], resources: [{title, url}] = []}, ...]``
  (actions and resources are shown as ideas for criteria that are not yet fully met)
- ``review``: ``{stage: "Draft application"|"Final application and portfolio",
  overall: str = "", next_steps: str = "", panel_date: date | None = None,
  visit_date: date | None = None}``

``award_letter`` (`AwardLetterContext`), when `Awarded on` is set:

- ``award``: ``{awarded_on: date, renewal_due: date}`` (renewal is 3 years after the award;
  the caller computes it, as the tracker's `Renewal due` column does)

Templates also see ``title`` (the document title) and, for audit feedback, ``strengths``
(criteria rated Established or Embedded) and ``priorities`` (the others, Not started
first, then Developing, each in criteria order). Filters: ``long_date`` ("14 July 2028"),
``paras`` (multi-line text to escaped ``<p>``/``<br>``), ``names`` ("A, B and C") and
``sentence`` (first letter in capitals).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import jinja2
from jinja2 import meta
from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from sos_sync.errors import ConfigError
from sos_sync.resources import templates_dir

DOC_KINDS = ("audit_feedback", "application_feedback", "award_letter")

Rating = Literal["Not started", "Developing", "Established", "Embedded"]
Judgement = Literal["Met", "Partly met", "Not yet met"]
Group = Literal["LEARN", "EMBED", "SHARE"]
ReviewStage = Literal["Draft application", "Final application and portfolio"]
Urn = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
Text = Annotated[str, StringConstraints(min_length=1)]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s<>\"]+@[^@\s<>\"]+$")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class School(_Model):
    """The school a document is for."""

    urn: Urn
    name: Text
    contact_name: str = ""


class Resource(_Model):
    """A resource suggested for a criterion (from the criteria configuration)."""

    title: Text
    url: HttpUrl


class AuditCriterion(_Model):
    """One criterion as the school rated it in its audit."""

    code: Text
    group: Group
    title: Text
    rating: Rating
    actions: list[str] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)


class AuditNotes(_Model):
    """The school's evidence and notes for each group of criteria."""

    learn: str = ""
    embed: str = ""
    share: str = ""


class ReviewCriterion(_Model):
    """One criterion as a local lead judged it in an application review."""

    code: Text
    group: Group
    title: Text
    judgement: Judgement
    comment: str = ""
    actions: list[str] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)


class Review(_Model):
    """A lead's review of a draft or final application."""

    stage: ReviewStage
    overall: str = ""
    next_steps: str = ""
    panel_date: dt.date | None = None
    visit_date: dt.date | None = None


class Award(_Model):
    """The award and when it is due for renewal."""

    awarded_on: dt.date
    renewal_due: dt.date


class _Common(_Model):
    school: School
    leads: list[Text] = Field(min_length=1)
    team: Text
    team_email: Email | None = None
    generated_on: dt.date


class AuditFeedbackContext(_Common):
    """Context of `audit_feedback`."""

    completed_on: dt.date
    criteria_version: Text
    criteria: list[AuditCriterion] = Field(min_length=1)
    notes: AuditNotes


class ApplicationFeedbackContext(_Common):
    """Context of `application_feedback`."""

    criteria_version: Text
    criteria: list[ReviewCriterion] = Field(min_length=1)
    review: Review


class AwardLetterContext(_Common):
    """Context of `award_letter`."""

    award: Award


_CONTEXTS: dict[str, type[_Common]] = {
    "audit_feedback": AuditFeedbackContext,
    "application_feedback": ApplicationFeedbackContext,
    "award_letter": AwardLetterContext,
}


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered document, ready for a backend to write.

    Attributes:
        key: the caller's stable key, e.g. ``"123456:audit_feedback:2025-01-15"``.
        kind: one of `DOC_KINDS`.
        title: the document's title (file name in Drive, title of the .docx).
        html: the document as HTML in the subset the backends understand.
        inputs_hash: sha256 (hex) of the canonical JSON of kind, the source text of the
            template and every template it extends or includes, and the validated
            context. Regenerate a document only when this changes.
    """

    key: str
    kind: str
    title: str
    html: str
    inputs_hash: str


class TemplateError(ConfigError):
    """A template is missing, malformed or uses a variable the context does not have.

    The message names the template file and line, e.g.
    ``templates/audit_feedback.html.j2 line 12: 'School object' has no attribute 'nmae'``.
    A context that does not match its kind's model is reported the same way (it is a
    fault in the caller, not in a school's answers).
    """

    def __init__(self, message: str, template: str | None = None, line: int | None = None):
        super().__init__(message)
        self.template = template
        self.line = line


def default_templates_dir() -> Path:
    """The templates shipped with sos-sync (the top-level `templates/`)."""
    return templates_dir()


def render_document(
    kind: str, key: str, context: Mapping[str, Any], templates_dir: Path
) -> RenderedDocument:
    """Render the document of `kind` for `context` from ``templates_dir/<kind>.html.j2``.

    Args:
        kind: one of `DOC_KINDS`.
        key: the caller's stable document key, returned unchanged.
        context: data matching the kind's context model (see the module docstring);
            a model instance's ``model_dump()`` or plain dicts with ISO date strings.
        templates_dir: folder holding the templates, usually `default_templates_dir()`.

    Raises:
        TemplateError: the kind is unknown, the context does not match its model, or
            the template is missing, malformed or refers to an undefined variable.
    """
    ctx, sources, digest = _validated(kind, key, context, templates_dir)
    name = f"{kind}.html.j2"
    sources_digest = hashlib.sha256(json.dumps(sources, sort_keys=True).encode()).hexdigest()
    env = _environment(templates_dir.resolve(), sources_digest)
    title = _title(kind, ctx)
    variables: dict[str, Any] = {f: getattr(ctx, f) for f in type(ctx).model_fields}
    variables["title"] = title
    if isinstance(ctx, AuditFeedbackContext):
        variables["strengths"] = [c for c in ctx.criteria if c.rating in _STRONG]
        variables["priorities"] = sorted(
            (c for c in ctx.criteria if c.rating not in _STRONG),
            key=lambda c: c.rating != "Not started",
        )
    try:
        html = env.get_template(name).render(variables)
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_error(exc, templates_dir) from None
    except jinja2.TemplateError as exc:
        raise _runtime_error(exc, templates_dir) from None
    return RenderedDocument(key=key, kind=kind, title=title, html=html, inputs_hash=digest)


def inputs_hash(kind: str, key: str, context: Mapping[str, Any], templates_dir: Path) -> str:
    """The `inputs_hash` `render_document` would give, without rendering (cheap, for
    deciding each night which documents need generating at all)."""
    if kind not in _CONTEXTS:
        raise TemplateError(f"unknown document kind `{kind}`: use one of {', '.join(DOC_KINDS)}")
    sources = _template_sources(f"{kind}.html.j2", templates_dir)
    return _hash(kind, sources, None, dict(context))


def _hash(
    kind: str, sources: dict[str, str], ctx: Any, raw: Mapping[str, Any] | None = None
) -> str:
    data = dict(raw) if raw is not None else ctx.model_dump(mode="json")
    data.pop("generated_on", None)  # the date it was made is not an input: no daily regeneration
    canonical = json.dumps(
        {"kind": kind, "templates": _digest(sources), "context": data},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _validated(
    kind: str, key: str, context: Mapping[str, Any], templates_dir: Path
) -> tuple[_Common, dict[str, str], str]:
    if kind not in _CONTEXTS:
        raise TemplateError(f"unknown document kind `{kind}`: use one of {', '.join(DOC_KINDS)}")
    try:
        ctx = _CONTEXTS[kind].model_validate(dict(context))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise TemplateError(f"{kind} context for document `{key}`: {problems}") from None
    sources = _template_sources(f"{kind}.html.j2", templates_dir)
    return ctx, sources, _hash(kind, sources, ctx, dict(context))


_STRONG = ("Established", "Embedded")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def long_date(value: dt.date | str) -> str:
    """A date as schools read it: ``14 July 2028``."""
    day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def paras(text: str) -> Markup:
    """Multi-line form text as escaped paragraphs: blank lines split, newlines break."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks = [b.strip("\n") for b in text.split("\n\n") if b.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(line) for line in b.split("\n")))
        for b in blocks
    )


def sentence(text: str) -> str:
    """Text with its first letter in capitals (the rest untouched, unlike `capitalize`)."""
    return text[:1].upper() + text[1:]


def names(people: list[str]) -> str:
    """``["A", "B", "C"]`` as ``A, B and C``."""
    return people[0] if len(people) == 1 else f"{', '.join(people[:-1])} and {people[-1]}"


@functools.lru_cache(maxsize=16)
def _environment(templates_dir: Path, sources_digest: str) -> jinja2.Environment:
    """One environment (and compiled-template cache) per folder and exact template sources.

    Keyed on the digest of the sources just read, so what is rendered is what was hashed,
    and an edited template is recompiled, not served stale from the cache.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(long_date=long_date, paras=paras, names=names, sentence=sentence)
    return env


_PARSER = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@functools.lru_cache(maxsize=64)
def _references(source: str, name: str, filename: str) -> tuple[str, ...]:
    ast = _PARSER.parse(source, name, filename)
    return tuple(n for n in meta.find_referenced_templates(ast) if n is not None)


def _digest(sources: dict[str, str]) -> str:
    return _digest_items(tuple(sorted(sources.items())))


@functools.lru_cache(maxsize=64)
def _digest_items(items: tuple[tuple[str, str], ...]) -> str:
    return hashlib.sha256(json.dumps(items).encode("utf-8")).hexdigest()


def _template_sources(name: str, templates_dir: Path) -> dict[str, str]:
    """The source of `name` and of every template it extends, includes or imports."""
    try:
        signature = tuple(
            sorted(
                (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in templates_dir.iterdir()
            )
        )
    except OSError:
        signature = ()
    return dict(_cached_sources(name, templates_dir, signature))


@functools.lru_cache(maxsize=64)
def _cached_sources(
    name: str, templates_dir: Path, signature: tuple[tuple[str, int, int], ...]
) -> tuple[tuple[str, str], ...]:
    return tuple(_read_sources(name, templates_dir).items())


def _read_sources(name: str, templates_dir: Path) -> dict[str, str]:
    loader = jinja2.FileSystemLoader(str(templates_dir))
    sources: dict[str, str] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        if current in sources:
            continue
        try:
            source, filename, _ = loader.get_source(_PARSER, current)
            pending.extend(_references(source, current, filename or current))
        except jinja2.TemplateNotFound:
            raise TemplateError(
                f"{templates_dir / current}: template not found", template=current
            ) from None
        except jinja2.TemplateSyntaxError as exc:
            raise _syntax_error(exc, templates_dir) from None
        sources[current] = source
    return sources


def _syntax_error(exc: jinja2.TemplateSyntaxError, templates_dir: Path) -> TemplateError:
    where = templates_dir / (exc.name or "?")
    return TemplateError(
        f"{where} line {exc.lineno}: {exc.message}", template=exc.name, line=exc.lineno
    )


def _runtime_error(exc: jinja2.TemplateError, templates_dir: Path) -> TemplateError:
    """Name the template file and line where rendering failed (innermost template frame)."""
    root = templates_dir.resolve()
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(root):
            rel = path.relative_to(root).as_posix()
            return TemplateError(
                f"{templates_dir / rel} line {frame.lineno}: {exc}", template=rel, line=frame.lineno
            )
    if isinstance(exc, jinja2.TemplateNotFound):
        missing = str(exc.name)
        return TemplateError(f"{templates_dir / missing}: template not found", template=missing)
    return TemplateError(f"{templates_dir}: {exc}")


def _title(kind: str, ctx: _Common) -> str:
    school = f"{ctx.school.name} (URN {ctx.school.urn})"
    if isinstance(ctx, ApplicationFeedbackContext):
        stage = "Draft" if ctx.review.stage == "Draft application" else "Final"
        return f"{stage} application feedback – {school}"
    if kind == "award_letter":
        return f"Schools of Sanctuary award – {school}"
    return f"Audit feedback – {school}"
