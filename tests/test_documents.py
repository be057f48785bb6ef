"""Documents: templates render the expected HTML, the .docx mirrors it, form text stays text.

Golden files live in tests/golden/; rewrite them with ``SOS_UPDATE_GOLDEN=1 pytest ...``
after an intended change to a template or to the default criteria, and review the diff.
"""

from __future__ import annotations

import copy
import datetime as dt
import html as html_lib
import os
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from markupsafe import escape

from sos_sync.backends.local.docx import docx_fingerprint, html_to_docx, read_inputs_hash
from sos_sync.domain.documents import (
    DOC_KINDS,
    AuditFeedbackContext,
    TemplateError,
    default_templates_dir,
    long_date,
    render_document,
)

GOLDEN = Path(__file__).parent / "golden"
CRITERIA_FILE = Path(__file__).parent.parent / "config" / "criteria-default.toml"
SCHOOL = {"urn": "123456", "name": "Ash Grove Primary School", "contact_name": "Jo Patel"}
COMMON: dict[str, Any] = {
    "school": SCHOOL,
    "leads": ["Maya Okafor", "Daniel Price"],
    "team": "Coventry Ethnic Minority Achievement Service (EMAS)",
    "team_email": "sanctuary-leads@example.org",
    "generated_on": dt.date(2025, 1, 20),
}
RATINGS = [
    "Established",
    "Developing",
    "Not started",
    "Embedded",
    "Developing",
    "Embedded",
    "Not started",
    "Developing",
]
JUDGEMENTS = ["Met", "Partly met", "Met", "Met", "Not yet met", "Met", "Partly met", "Met"]
HOSTILE = [
    "{{ contact_email }}",
    "{% for x in y %}loop{% endfor %}",
    '=HYPERLINK("https://evil.example","x")',
    "<script>alert(1)</script>",
    "<b>bold</b>",
    'Tom & Jerry\'s "quote"',
]
EMOJI_RTL = "We welcome everyone 🌍🤝🏽 — أهلاً وسهلاً بكم — ברוכים הבאים"


def default_criteria() -> dict[str, Any]:
    with CRITERIA_FILE.open("rb") as f:
        return tomllib.load(f)


def audit_context(**notes: str) -> dict[str, Any]:
    config = default_criteria()
    criteria = [dict(c, rating=r) for c, r in zip(config["criterion"], RATINGS, strict=True)]
    return {
        **copy.deepcopy(COMMON),
        "completed_on": dt.date(2025, 1, 15),
        "criteria_version": config["version"],
        "criteria": criteria,
        "notes": {
            "learn": "All staff had an INSET on welcoming new arrivals in September.\n"
            "Our EAL lead briefed governors in November.\n\n"
            "Next: a refresher for lunchtime staff.",
            "embed": "",
            "share": "We signed the City of Sanctuary pledge in October 2024.",
            **notes,
        },
    }


def application_context(stage: str, **review: Any) -> dict[str, Any]:
    config = default_criteria()
    comments = {
        "L2": "Lovely history unit in Year 6. Can you show learning in other subjects too?",
        "E5": "We could not find pupil voice yet: quotes or minutes from your ambassadors "
        "would help.",
        "S7": "Your website page is a great start; add photos of Refugee Week.",
    }
    criteria = [
        {
            "code": c["code"],
            "group": c["group"],
            "title": c["title"],
            "judgement": j,
            "comment": comments.get(c["code"], "Clear evidence, well done."),
            "actions": c["actions"][:2],
            "resources": c["resources"][:1],
        }
        for c, j in zip(config["criterion"], JUDGEMENTS, strict=True)
    ]
    return {
        **copy.deepcopy(COMMON),
        "criteria_version": config["version"],
        "criteria": criteria,
        "review": {
            "stage": stage,
            "overall": "A warm, thoughtful application.\n\nThe pupils' voices come through "
            "strongly in your Refugee Week work.",
            "next_steps": "Please send the final version by 14 March 2025.",
            **review,
        },
    }


def award_context() -> dict[str, Any]:
    return {
        **copy.deepcopy(COMMON),
        "generated_on": dt.date(2025, 7, 15),
        "award": {"awarded_on": dt.date(2025, 7, 14), "renewal_due": dt.date(2028, 7, 14)},
    }


FIXTURES: dict[str, tuple[str, dict[str, Any]]] = {
    "audit_feedback": ("audit_feedback", audit_context()),
    "application_feedback_draft": (
        "application_feedback",
        application_context("Draft application"),
    ),
    "application_feedback_final": (
        "application_feedback",
        application_context(
            "Final application and portfolio",
            next_steps="",
            panel_date=dt.date(2025, 5, 8),
            visit_date="2025-05-21",
        ),
    ),
    "award_letter": ("award_letter", award_context()),
}


def render(kind: str, context: dict[str, Any], templates: Path | None = None) -> Any:
    key = f"{SCHOOL['urn']}:{kind}:2025-01-15"
    return render_document(kind, key, context, templates or default_templates_dir())


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SOS_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run the tests with SOS_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def docx_outline(path: Path) -> str:
    """The document's structure as text: one line per paragraph or table row.

    Bold shows as **text**, italic as _text_, a link as [text](url).
    """
    document = docx.Document(str(path))
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            p = Paragraph(element, document)
            lines.append(f"[{p.style.name if p.style else '?'}] {marked_text(p)}")
        elif element.tag == qn("w:tbl"):
            table = Table(element, document)
            lines.append(f"[table {table.style.name if table.style else '?'}]")
            lines.extend(
                "  | "
                + " | ".join(" / ".join(marked_text(p) for p in c.paragraphs) for c in row.cells)
                for row in table.rows
            )
    return "\n".join(lines) + "\n"


def marked_text(paragraph: Paragraph) -> str:
    out = []
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            out.append(f"[{item.text}]({item.address})")
            continue
        text = item.text
        if text and item.italic:
            text = f"_{text}_"
        if text and item.bold:
            text = f"**{text}**"
        out.append(text)
    return "".join(out)


def write_docx(tmp_path: Path, rendered: Any, name: str = "doc.docx") -> Path:
    path = tmp_path / name
    html_to_docx(rendered.html, path, rendered.title, inputs_hash=rendered.inputs_hash)
    return path


def all_text(path: Path) -> str:
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts.extend(c.text for row in table.rows for c in row.cells)
    return "\n".join(texts)


# -- rendered content ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_rendered_html_matches_golden(name: str) -> None:
    kind, context = FIXTURES[name]
    check_golden(f"{name}.html", render(kind, context).html)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_docx_structure_matches_golden(name: str, tmp_path: Path) -> None:
    kind, context = FIXTURES[name]
    check_golden(f"{name}.docx.txt", docx_outline(write_docx(tmp_path, render(kind, context))))


def test_titles_and_keys() -> None:
    titles = {name: render(kind, ctx).title for name, (kind, ctx) in FIXTURES.items()}
    assert titles == {
        "audit_feedback": "Audit feedback – Ash Grove Primary School (URN 123456)",
        "application_feedback_draft": "Draft application feedback – Ash Grove Primary School "
        "(URN 123456)",
        "application_feedback_final": "Final application feedback – Ash Grove Primary School "
        "(URN 123456)",
        "award_letter": "Schools of Sanctuary award – Ash Grove Primary School (URN 123456)",
    }
    doc = render_document(
        "audit_feedback",
        "123456:audit_feedback:2025-01-15",
        audit_context(),
        default_templates_dir(),
    )
    assert (doc.key, doc.kind) == ("123456:audit_feedback:2025-01-15", "audit_feedback")
    assert set(DOC_KINDS) == {kind for kind, _ in FIXTURES.values()}


def test_audit_feedback_strengths_and_priorities() -> None:
    html = render("audit_feedback", audit_context()).html
    strengths = html.split("<h2>Your strengths</h2>")[1].split("<h2>")[0]
    priorities = html.split("<h2>Your priorities</h2>")[1].split("<h2>")[0]
    assert re.findall(r"<strong>(\w\d)</strong>", strengths) == ["L1", "E4", "S6"]
    # Not started first, then Developing, each in criteria order.
    assert re.findall(r"<h3>(\w\d) ", priorities) == ["E3", "S7", "L2", "E5", "S8"]
    assert "Suggested actions" in priorities and 'href="https://refugeeweek.org.uk/"' in priorities
    assert "Your next step: your action plan" in html
    assert "Maya Okafor and Daniel Price" in html


def test_application_feedback_next_steps_depend_on_stage() -> None:
    draft = render("application_feedback", application_context("Draft application")).html
    final = render(
        "application_feedback",
        application_context("Final application and portfolio", panel_date="2025-05-08"),
    ).html
    assert "respond to this feedback and submit your final application and portfolio" in draft
    assert "appraisal panel" not in draft
    assert "appraisal panel meets to assess your application on 8 May 2025" in final
    assert "school visit" in final.lower() and "submit your final application" not in final
    assert "<h3>From your local leads</h3>" in draft
    assert "Please send the final version by 14 March 2025." in draft
    for html in (draft, final):
        assert "<td>Partly met</td>" in html and "<td>Not yet met</td>" in html


def test_award_letter_dates() -> None:
    html = render("award_letter", award_context()).html
    assert "awarded School of Sanctuary status on 14 July 2025" in html
    assert "<strong>Renewal due:</strong> 14 July 2028" in html
    assert "celebration event" in html and "Share your news" in html


def test_long_date() -> None:
    assert long_date(dt.date(2028, 7, 14)) == "14 July 2028"
    assert long_date("2025-01-05") == "5 January 2025"


# -- inputs hash --------------------------------------------------------------------------


def test_inputs_hash_changes_only_with_inputs(tmp_path: Path) -> None:
    first = render("audit_feedback", audit_context())
    again = render("audit_feedback", audit_context())
    as_model = render(
        "audit_feedback", AuditFeedbackContext.model_validate(audit_context()).model_dump()
    )
    assert first.inputs_hash == again.inputs_hash == as_model.inputs_hash
    assert re.fullmatch(r"[0-9a-f]{64}", first.inputs_hash)
    changed = render("audit_feedback", audit_context(embed="New notes"))
    assert changed.inputs_hash != first.inputs_hash
    # Editing a template the document extends changes the hash too.
    templates = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), templates)
    base = templates / "_base.html.j2"
    base.write_text(base.read_text().replace("With best wishes", "Warm wishes"))
    edited = render("audit_feedback", audit_context(), templates)
    assert edited.inputs_hash != first.inputs_hash and "Warm wishes" in edited.html


# -- template and context errors ----------------------------------------------------------


def broken_templates(tmp_path: Path, name: str, line: int, text: str) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), templates)
    path = templates / name
    lines = path.read_text().splitlines()
    lines.insert(line - 1, text)
    path.write_text("\n".join(lines) + "\n")
    return templates


def test_undefined_variable_names_template_and_line(tmp_path: Path) -> None:
    templates = broken_templates(tmp_path, "audit_feedback.html.j2", 12, "<p>{{ school.nmae }}</p>")
    with pytest.raises(TemplateError) as err:
        render("audit_feedback", audit_context(), templates)
    message = str(err.value)
    assert "audit_feedback.html.j2 line 12" in message and "nmae" in message
    assert (err.value.template, err.value.line) == ("audit_feedback.html.j2", 12)
    assert err.value.exit_code == 2


def test_undefined_variable_in_base_template(tmp_path: Path) -> None:
    templates = broken_templates(tmp_path, "_base.html.j2", 14, "<p>{{ signature }}</p>")
    with pytest.raises(TemplateError, match=r"_base\.html\.j2 line 14: 'signature' is undefined"):
        render("award_letter", award_context(), templates)


def test_syntax_error_names_file(tmp_path: Path) -> None:
    templates = broken_templates(tmp_path, "award_letter.html.j2", 5, "{% if %}")
    with pytest.raises(TemplateError, match=r"award_letter\.html\.j2 line 5"):
        render("award_letter", award_context(), templates)


def test_missing_template_and_unknown_kind(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"award_letter\.html\.j2: template not found"):
        render("award_letter", award_context(), tmp_path)
    with pytest.raises(TemplateError, match="unknown document kind `memo`"):
        render("memo", award_context())


def test_context_that_does_not_match_its_model() -> None:
    context = audit_context()
    context["criteria"][2]["rating"] = "Sometimes"
    del context["school"]["name"]
    with pytest.raises(TemplateError) as err:
        render("audit_feedback", context)
    assert "criteria.2.rating" in str(err.value) and "school.name" in str(err.value)
    with pytest.raises(TemplateError, match="resources.0.url"):
        bad = audit_context()
        bad["criteria"][0]["resources"] = [{"title": "x", "url": "javascript:alert(1)"}]
        render("audit_feedback", bad)


# -- form text stays text -----------------------------------------------------------------


def test_form_text_is_literal_in_html_and_docx(tmp_path: Path) -> None:
    long_note = ("Our pupils wrote letters of welcome. " * 400)[:12_000]
    assert len(long_note) == 12_000
    notes = {"learn": " ".join(HOSTILE), "embed": long_note.strip(), "share": EMOJI_RTL}
    doc = render("audit_feedback", audit_context(**notes))
    assert "<script>" not in doc.html and "<b>bold</b>" not in doc.html
    assert "evil.example" not in re.findall(r'href="([^"]*)"', doc.html)
    for text in [*HOSTILE, long_note.strip(), EMOJI_RTL]:
        assert str(escape(text)) in doc.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc.html
    assert "{{ contact_email }} {% for x in y %}loop{% endfor %}" in doc.html
    # Reading the HTML back gives the exact text (as Drive's import does).
    assert html_lib.unescape(str(escape(" ".join(HOSTILE)))) == " ".join(HOSTILE)

    paragraphs = [p.text for p in docx.Document(str(write_docx(tmp_path, doc))).paragraphs]
    assert " ".join(HOSTILE) in paragraphs
    assert long_note.strip() in paragraphs
    assert EMOJI_RTL in paragraphs


def test_hostile_text_in_every_field(tmp_path: Path) -> None:
    hostile = '<script>alert(1)</script> {{ contact_email }} =HYPERLINK("https://evil.example","x")'
    context = application_context("Draft application", overall=hostile, next_steps=hostile)
    context["school"] = {**SCHOOL, "name": f"Ash Grove {hostile}", "contact_name": hostile}
    context["criteria"][0]["comment"] = hostile
    doc = render("application_feedback", context)
    assert "<script>" not in doc.html
    text = all_text(write_docx(tmp_path, doc))
    assert text.count(hostile) >= 5
    assert docx.Document(str(tmp_path / "doc.docx")).core_properties.title == doc.title


def test_control_characters_do_not_break_the_docx(tmp_path: Path) -> None:
    doc = render("audit_feedback", audit_context(share="Line one\x0bstill one\x00 end"))
    text = all_text(write_docx(tmp_path, doc))
    assert "Line onestill one end" in text


# -- .docx ----------------------------------------------------------------------------------


def test_docx_headings_lists_tables_links(tmp_path: Path) -> None:
    doc = render("audit_feedback", audit_context())
    document = docx.Document(str(write_docx(tmp_path, doc)))
    headings = [(p.style.name, p.text) for p in document.paragraphs if "Heading" in p.style.name]
    assert headings[0] == ("Heading 1", "Your Schools of Sanctuary audit: our feedback")
    assert [t for s, t in headings if s == "Heading 2"] == [
        "Your audit at a glance",
        "What you told us",
        "Your strengths",
        "Your priorities",
        "Your next step: your action plan",
    ]
    assert (
        "Heading 3",
        "E3 A whole-school culture of welcome that meets new arrivals' needs (Not started)",
    ) in headings
    assert any(p.style.name == "List Bullet" for p in document.paragraphs)
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == ["Code", "Group", "Criterion", "Your rating"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(run.bold for run in table.rows[0].cells[0].paragraphs[0].runs)
    assert len(table.rows) == 9 and table.style.name == "Table Grid"
    links = [h.address for p in document.paragraphs for h in p.hyperlinks]
    assert "https://schools.cityofsanctuary.org/" in links
    assert "mailto:sanctuary-leads@example.org" in links
    props = document.core_properties
    assert props.title == doc.title
    assert read_inputs_hash(tmp_path / "doc.docx") == doc.inputs_hash


def test_numbered_lists_restart(tmp_path: Path) -> None:
    html = "<ol><li>one</li><li>two</li></ol><p>between</p><ol><li>again</li></ol>"
    path = tmp_path / "lists.docx"
    html_to_docx(html, path, "Lists")
    paragraphs = docx.Document(str(path)).paragraphs
    assert [(p.style.name, p.text) for p in paragraphs] == [
        ("List Number", "one"),
        ("List Number", "two"),
        ("Normal", "between"),
        ("List Number", "again"),
    ]
    num_ids = [p._p.pPr.numPr.numId.val for p in paragraphs if p.style.name == "List Number"]
    assert num_ids[0] == num_ids[1] != num_ids[2]


def test_inline_formatting_and_breaks(tmp_path: Path) -> None:
    html = "<p>  Hello <strong>bold <em>both</em></strong> and\n <em>it</em><br>\n next  </p>"
    path = tmp_path / "inline.docx"
    html_to_docx(html, path, "Inline")
    (paragraph,) = docx.Document(str(path)).paragraphs
    assert paragraph.text == "Hello bold both and it\nnext"
    runs = [(r.text, bool(r.bold), bool(r.italic)) for r in paragraph.runs if r.text]
    assert ("both", True, True) in runs and ("it", False, True) in runs


def test_docx_is_written_atomically_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "docs" / "a.docx"
    html_to_docx("<p>first</p>", path, "A")
    html_to_docx("<p>second</p>", path, "A")
    assert [p.text for p in docx.Document(str(path)).paragraphs] == ["second"]
    assert [p.name for p in path.parent.iterdir()] == ["a.docx"]


def test_fingerprint_is_stable_and_detects_edits(tmp_path: Path) -> None:
    doc = render("audit_feedback", audit_context())
    first = write_docx(tmp_path, doc, "first.docx")
    second = write_docx(tmp_path, doc, "second.docx")
    assert docx_fingerprint(first) == docx_fingerprint(second)
    generated = docx_fingerprint(first)

    # Re-saved by python-docx without changes: same fingerprint.
    docx.Document(str(first)).save(str(first))
    assert docx_fingerprint(first) == generated

    # A person edits a paragraph: the fingerprint changes.
    edited = docx.Document(str(first))
    dear = next(p for p in edited.paragraphs if p.text.startswith("Dear"))
    dear.runs[0].text = "Dear Jo,"
    edited.save(str(first))
    assert docx_fingerprint(first) != generated

    # So does a change of emphasis or a table cell.
    bolded = docx.Document(str(second))
    next(p for p in bolded.paragraphs if p.text.startswith("Thank you")).runs[0].bold = True
    bolded.save(str(second))
    assert docx_fingerprint(second) != generated
    cell = docx.Document(str(write_docx(tmp_path, doc, "third.docx")))
    cell.tables[0].rows[1].cells[3].paragraphs[0].runs[0].text = "Embedded"
    cell.save(str(tmp_path / "third.docx"))
    assert docx_fingerprint(tmp_path / "third.docx") != generated


def test_edited_template_is_not_served_stale(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), templates)
    before = render("award_letter", award_context(), templates)
    letter = templates / "award_letter.html.j2"
    letter.write_text(letter.read_text().replace("Celebrate with us.", "Party time."))
    after = render("award_letter", award_context(), templates)
    assert "Celebrate with us." in before.html and "Party time." in after.html
    assert before.inputs_hash != after.inputs_hash


def test_cheap_inputs_hash_agrees_with_rendering() -> None:
    """The nightly plan decides with `inputs_hash`; what it records comes from rendering."""
    from sos_sync.domain.documents import inputs_hash

    for kind, ctx in (
        ("audit_feedback", audit_context()),
        ("award_letter", award_context()),
    ):
        doc = render_document(kind, "k", ctx, default_templates_dir())
        assert inputs_hash(kind, "k", ctx, default_templates_dir()) == doc.inputs_hash
