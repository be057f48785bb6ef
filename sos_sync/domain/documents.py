"""Documents for schools: Word templates with merge fields, rendered to .docx (SPEC §8).

A template is a `.docx` in the templates folder (top-level `templates/` by default, or the
workspace's own copy), one per kind: `audit_feedback.docx`, `application_feedback.docx`,
`award_letter.docx`, `award_certificate.docx`. A lead edits them in Word or Google Docs;
the merge fields are docxtpl's Jinja tags (``{{ school.name }}``, ``{%p if ... %}``,
``{%tr for c in criteria %}``). One rendered .docx serves both backends: written as is
locally, uploaded and converted to a Google Doc on Google, and turned into the PDF copy.

Safety: autoescape is on (form text is XML-escaped literal text, never markup, never
evaluated as a template), characters XML cannot hold are dropped, and an undefined field
is an error (`StrictUndefined`), never a blank. Any template problem raises
`TemplateError`, which stops that one document only.

Templates see the context (see `document_contexts`) plus: ``title``, ``salutation``
("Dear Jo Patel"), ``addressee``, ``logo`` (the letterhead image or nothing),
``renewal_years``; for audit feedback ``strengths``, ``priorities`` and ``notes_parts``;
for application feedback ``draft``, ``heading``, ``panel_on`` and ``visit_on``. Filters:
``long_date`` ("14 July 2028"), ``paras`` (blank lines start paragraphs), ``lines``,
``names`` ("A, B and C"), ``sentence``, ``count`` ("eight") and ``link``.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from sos_sync.domain.document_contexts import (
    CONTEXTS,
    DOC_KINDS,
    ApplicationFeedbackContext,
    AuditFeedbackContext,
    AwardLetterContext,
    CommonContext,
    ReminderContext,
    Resource,
)
from sos_sync.domain.document_text import count, lines, long_date, names, paras, sentence
from sos_sync.domain.template_files import (
    TemplateError,
    file_digest,
    file_key,
    read_template,
    template_digest,
)
from sos_sync.resources import templates_dir

if TYPE_CHECKING:  # rendering's libraries are imported when a night renders a document
    import jinja2
    from docxtpl import DocxTemplate, RichText

    from sos_sync.domain.document_engine import CompiledOnce

__all__ = [
    "DOC_KINDS",
    "HASH_PREFIX",
    "AuditFeedbackContext",
    "RenderedDocument",
    "TemplateError",
    "default_templates_dir",
    "file_digest",
    "inputs_hash",
    "jinja_environment",
    "long_date",
    "names",
    "render_document",
    "template_path",
]

HASH_PREFIX = "sos-sync inputs_hash="
"""How the inputs hash is kept in the .docx core property `comments`."""

# Characters XML 1.0 cannot hold (and \a \f, which docxtpl would read as breaks).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_STRONG = ("Established", "Embedded")
_REMINDER_HEADINGS = {
    "stalled": "Checking in on your Schools of Sanctuary journey",
    "renewal": "Your School of Sanctuary status is due for renewal",
    "consent": "Please send your form again with consent",
    "no_eoi": "Please send us your expression of interest",
}


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered document, ready for a backend to write.

    Attributes:
        key: the caller's stable key, e.g. ``"123456:audit_feedback:2025-01-15"``.
        kind: one of `DOC_KINDS`.
        title: the document's title (file name in Drive, title of the .docx).
        docx: the document as .docx bytes (its title and inputs hash in the core properties).
        inputs_hash: sha256 (hex) of the kind, the template file, the logo and the validated
            context (without `generated_on`). Regenerate only when this changes.
    """

    key: str
    kind: str
    title: str
    docx: bytes
    inputs_hash: str


def default_templates_dir() -> Path:
    """The templates shipped with sos-sync (the top-level `templates/`)."""
    return templates_dir()


@functools.lru_cache(maxsize=64)
def template_path(kind: str, folder: Path) -> Path:
    """Where the template of `kind` lives in `folder`."""
    return folder / f"{kind}.docx"


def render_document(
    kind: str, key: str, context: Mapping[str, Any], templates_dir: Path
) -> RenderedDocument:
    """Render the document of `kind` for `context` from ``templates_dir/<kind>.docx``.

    Raises:
        TemplateError: the kind is unknown, the context does not match its model, or the
            template is missing, malformed or refers to an undefined field.
    """
    import jinja2

    from sos_sync.domain.document_engine import Template, stable_zip

    ctx = _validated(kind, key, context)
    path = template_path(kind, templates_dir)
    source = read_template(path)
    digest = _hash(kind, template_digest(path), ctx)
    title = _title(kind, ctx)
    try:
        tpl = Template(io.BytesIO(source))
        variables = _variables(kind, ctx, title, tpl)
        rendering = _RENDERING.set(tpl)
        try:
            tpl.render(variables, _environment(), autoescape=True)
        finally:
            _RENDERING.reset(rendering)
        props = tpl.docx.core_properties
        props.title = title
        props.comments = HASH_PREFIX + digest
        out = io.BytesIO()
        tpl.save(out)
        data = stable_zip(out.getvalue())
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"{path}: {exc.message} (in the template's merge fields)", template=path.name
        ) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{path}: {exc}", template=path.name) from None
    except (KeyError, ValueError, OSError, SyntaxError) as exc:  # a damaged .docx or logo
        raise TemplateError(f"{path}: cannot render: {exc}", template=path.name) from None
    return RenderedDocument(key, kind, title, data, digest)


def inputs_hash(kind: str, key: str, context: Mapping[str, Any], templates_dir: Path) -> str:
    """The `inputs_hash` `render_document` would give, without rendering (cheap: each night
    decides with it which documents need generating at all)."""
    ctx = _validated(kind, key, context)
    return _hash(kind, template_digest(template_path(kind, templates_dir)), ctx)


def _validated(kind: str, key: str, context: Mapping[str, Any]) -> CommonContext:
    if kind not in CONTEXTS:
        raise TemplateError(f"unknown document kind `{kind}`: use one of {', '.join(DOC_KINDS)}")
    try:
        return CONTEXTS[kind].model_validate(dict(context))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise TemplateError(f"{kind} context for document `{key}`: {problems}") from None


_NO_LOGO = hashlib.sha256(b"").hexdigest()


def _logo_file(ctx: CommonContext) -> Path | None:
    logo = ctx.letterhead.logo
    if not logo:
        return None
    path = Path(logo)
    try:
        file_key(path)
    except TemplateError:
        raise TemplateError(f"letterhead logo {logo}: file not found") from None
    return path


def _logo_bytes(ctx: CommonContext) -> bytes:
    path = _logo_file(ctx)
    return b"" if path is None else read_template(path)


def _hash(kind: str, template_digest: str, ctx: CommonContext) -> str:
    data = ctx.model_dump(mode="json")
    data.pop("generated_on", None)  # the day it was made is not an input: no daily regeneration
    data["letterhead"].pop("logo", None)  # its bytes are the input, not where the file is
    logo = _logo_file(ctx)
    canonical = json.dumps(
        {
            "kind": kind,
            "template": template_digest,
            "logo": _NO_LOGO if logo is None else file_digest(logo),
            "context": data,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _clean(value: Any) -> Any:
    """Form text made safe for XML (the rest is untouched)."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _variables(kind: str, ctx: CommonContext, title: str, tpl: DocxTemplate) -> dict[str, Any]:
    from docx.shared import Mm
    from docxtpl import InlineImage

    v: dict[str, Any] = _clean(ctx.model_dump())
    contact = ctx.school.contact_name.strip()
    v["title"] = title
    v["salutation"] = f"Dear {contact}" if contact else f"Dear colleagues at {ctx.school.name}"
    v["addressee"] = contact or "The Headteacher"
    v["signature_line"] = "_" * 28
    v["team_email"] = ctx.team_email or ""
    v["letterhead"]["contact"] = "\n".join(x for x in (ctx.letterhead.address, ctx.team_email) if x)
    logo = ctx.letterhead.logo
    v["logo"] = InlineImage(tpl, io.BytesIO(_logo_bytes(ctx)), height=Mm(16)) if logo else ""
    if isinstance(ctx, AwardLetterContext):
        award = ctx.award
        v["renewal_years"] = max(1, award.renewal_due.year - award.awarded_on.year)
    if isinstance(ctx, ReminderContext):
        v["heading"] = _REMINDER_HEADINGS[ctx.reason]
        v["since"] = long_date(ctx.last_activity) if ctx.last_activity else "a while"
        v["renewal_due"] = long_date(ctx.renewal_due) if ctx.renewal_due else "soon"
    if isinstance(ctx, AuditFeedbackContext):
        criteria = v["criteria"]
        v["strengths"] = [c for c in criteria if c["rating"] in _STRONG]
        v["priorities"] = sorted(
            (c for c in criteria if c["rating"] not in _STRONG),
            key=lambda c: c["rating"] != "Not started",
        )
        notes = v["notes"]
        v["notes_parts"] = [
            {"heading": "LEARN: learning about sanctuary", "text": notes["learn"].strip()},
            {"heading": "EMBED: a culture of welcome", "text": notes["embed"].strip()},
            {"heading": "SHARE: sharing your welcome", "text": notes["share"].strip()},
        ]
    if isinstance(ctx, ApplicationFeedbackContext):
        review = ctx.review
        v["draft"] = review.stage == "Draft application"
        v["heading"] = (
            "Feedback on your draft application"
            if v["draft"]
            else "Feedback on your final application and portfolio"
        )
        v["panel_on"] = f" on {long_date(review.panel_date)}" if review.panel_date else ""
        v["visit_on"] = f" on {long_date(review.visit_date)}" if review.visit_date else ""
    return v


def jinja_environment(tpl: DocxTemplate) -> jinja2.Environment:
    """Strict, autoescaping Jinja with our filters (`link` makes links inside `tpl`)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters.update(_FILTERS, link=lambda resource: _link(tpl, resource))
    return env


def _link(tpl: DocxTemplate, resource: Mapping[str, str] | Resource) -> RichText:
    from docxtpl import RichText

    r = resource if isinstance(resource, Resource) else Resource(**resource)
    return RichText(r.title, url_id=tpl.build_url_id(r.url), color="0563C1", underline=True)


_FILTERS: dict[str, Callable[..., Any]] = {
    "long_date": long_date,
    "paras": paras,
    "lines": lines,
    "names": names,
    "sentence": sentence,
    "count": count,
}
_RENDERING: contextvars.ContextVar[DocxTemplate] = contextvars.ContextVar("_RENDERING")


@functools.cache
def _environment() -> CompiledOnce:
    """`jinja_environment` for every document of the process (each part compiled once): its
    `link` makes links inside the template being rendered (`_RENDERING`)."""
    from sos_sync.domain.document_engine import CompiledOnce

    return CompiledOnce({**_FILTERS, "link": lambda r: _link(_RENDERING.get(), r)})


def _title(kind: str, ctx: CommonContext) -> str:
    school = f"{ctx.school.name} (URN {ctx.school.urn})"
    if isinstance(ctx, ApplicationFeedbackContext):
        stage = "Draft" if ctx.review.stage == "Draft application" else "Final"
        return f"{stage} application feedback – {school}"
    if kind == "award_letter":
        return f"Schools of Sanctuary award – {school}"
    if kind == "award_certificate":
        return f"Schools of Sanctuary certificate – {school}"
    if isinstance(ctx, ReminderContext):
        return f"{_REMINDER_HEADINGS[ctx.reason]} – {school}"
    return f"Audit feedback – {school}"
