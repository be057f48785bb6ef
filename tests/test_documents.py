"""Documents: the Word templates render the expected letters, form text stays text, errors are clear.

Golden files live in tests/golden/; rewrite them with ``SOS_UPDATE_GOLDEN=1 pytest ...``
after an intended change to a template or to the default criteria, and review the diff.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
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
from helpers import edit_word_template

from sos_sync.backends.local.docx import read_inputs_hash
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
    "award_certificate": ("award_certificate", award_context()),
    "reminder_stalled": (
        "reminder",
        {
            **copy.deepcopy(COMMON),
            "reason": "stalled",
            "last_activity": dt.date(2024, 11, 2),
            "next_action": "Create and send the action plan",
        },
    ),
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


def docx_outline(data: bytes) -> str:
    """The document's structure as text: one line per paragraph or table row.

    Bold shows as **text**, italic as _text_, a link as [text](url).
    """
    document = docx.Document(io.BytesIO(data))
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


def all_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts.extend(c.text for row in table.rows for c in row.cells)
    return "\n".join(texts)


# -- rendered content ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_docx_structure_matches_golden(name: str) -> None:
    kind, context = FIXTURES[name]
    check_golden(f"{name}.docx.txt", docx_outline(render(kind, context).docx))


def test_titles_and_keys() -> None:
    titles = {name: render(kind, ctx).title for name, (kind, ctx) in FIXTURES.items()}
    assert titles == {
        "audit_feedback": "Audit feedback – Ash Grove Primary School (URN 123456)",
        "application_feedback_draft": "Draft application feedback – Ash Grove Primary School "
        "(URN 123456)",
        "application_feedback_final": "Final application feedback – Ash Grove Primary School "
        "(URN 123456)",
        "award_letter": "Schools of Sanctuary award – Ash Grove Primary School (URN 123456)",
        "award_certificate": "Schools of Sanctuary certificate – Ash Grove Primary School "
        "(URN 123456)",
        "reminder_stalled": "Checking in on your Schools of Sanctuary journey – Ash Grove "
        "Primary School (URN 123456)",
    }
    doc = render_document(
        "audit_feedback",
        "123456:audit_feedback:2025-01-15",
        audit_context(),
        default_templates_dir(),
    )
    assert (doc.key, doc.kind) == ("123456:audit_feedback:2025-01-15", "audit_feedback")
    assert set(DOC_KINDS) == {kind for kind, _ in FIXTURES.values()}
    props = docx.Document(io.BytesIO(doc.docx)).core_properties
    assert props.title == doc.title and read_inputs_hash(doc.docx) == doc.inputs_hash


def test_audit_feedback_strengths_and_priorities() -> None:
    text = docx_outline(render("audit_feedback", audit_context()).docx)
    strengths = text.split("Your strengths")[1].split("[Heading 2]")[0]
    priorities = text.split("Your priorities")[1].split("[Heading 2]")[0]
    assert re.findall(r"\[List Bullet\] (\w\d) ", strengths) == ["L1", "E4", "S6"]
    # Not started first, then Developing, each in criteria order.
    assert re.findall(r"\[Heading 3\] (\w\d) ", priorities) == ["E3", "S7", "L2", "E5", "S8"]
    assert "Suggested actions" in priorities and "(https://refugeeweek.org.uk/)" in priorities
    assert "Your next step: your action plan" in text
    assert "Maya Okafor and Daniel Price" in text


def test_no_configuration_leaks_and_counts_come_from_the_data() -> None:
    for kind, ctx in FIXTURES.values():
        text = all_text(render(kind, ctx).docx)
        assert "default wording" not in text and "criteria Schools" not in text
    six = audit_context()
    six["criteria"] = six["criteria"][:6]
    text = all_text(render("audit_feedback", six).docx)
    assert "against the six minimum criteria" in text and "eight" not in text
    assert "against the eight minimum criteria" in all_text(
        render(*FIXTURES["audit_feedback"]).docx
    )


def test_ratings_table_has_proportional_columns_and_rows_that_never_split() -> None:
    document = docx.Document(io.BytesIO(render("audit_feedback", audit_context()).docx))
    table = document.tables[0]
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.iter(qn("w:gridCol"))]
    assert widths[1] > 2.5 * widths[2] and widths[2] >= widths[0]  # criterion wide, others narrow
    assert len(table.rows) == 9  # header + one per criterion
    for i, row in enumerate(table.rows):
        trpr = row._tr.trPr
        assert trpr is not None and trpr.find(qn("w:cantSplit")) is not None
        assert (trpr.find(qn("w:tblHeader")) is not None) == (i == 0)
    assert [c.text for c in table.rows[3].cells] == [
        "E3",
        table.rows[3].cells[1].text,
        "Not started",
    ]


def test_letterhead_footer_and_logo(tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 40), (31, 95, 107)).save(logo)
    ctx = award_context()
    ctx["letterhead"] = {"address": "1 High Street\nLeeds LS1 1AA", "logo": str(logo)}
    doc = render("award_letter", ctx)
    document = docx.Document(io.BytesIO(doc.docx))
    header = document.sections[0].header
    header_text = " ".join(c.text for t in header.tables for r in t.rows for c in r.cells)
    assert COMMON["team"] in header_text and "Leeds LS1 1AA" in header_text
    assert "sanctuary-leads@example.org" in header_text
    assert header._element.xpath(".//a:blip")  # the logo image
    footer = document.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    no_logo = docx.Document(io.BytesIO(render("award_letter", award_context()).docx))
    assert not no_logo.sections[0].header._element.xpath(".//a:blip")
    # The logo is an input: a new logo regenerates the letter.
    Image.new("RGB", (40, 40), (200, 0, 0)).save(logo)
    assert render("award_letter", ctx).inputs_hash != doc.inputs_hash


def test_certificate_is_one_landscape_page_with_every_lead_signing() -> None:
    ctx = award_context()
    ctx["leads"] = ["Maya Okafor", "Daniel Price", "Sam Lee"]
    data = render("award_certificate", ctx).docx
    section = docx.Document(io.BytesIO(data)).sections[0]
    assert section.page_width > section.page_height
    text = all_text(data)
    for name in ctx["leads"]:
        assert name in text
    assert "Ash Grove Primary School" in text and "14 July 2025" in text
    from pypdf import PdfReader

    from sos_sync.delivery.pdf import docx_to_pdf

    pdf = PdfReader(io.BytesIO(docx_to_pdf(data)))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert box.width > box.height


def test_application_feedback_next_steps_depend_on_stage() -> None:
    draft = all_text(render("application_feedback", application_context("Draft application")).docx)
    final = all_text(
        render(
            "application_feedback",
            application_context("Final application and portfolio", panel_date="2025-05-08"),
        ).docx
    )
    assert "Submit your final application and portfolio" in draft
    assert "appraisal panel meets" not in draft
    assert "appraisal panel meets to assess your application on 8 May 2025" in final
    assert "school visit" in final.lower() and "Submit your final application" not in final
    assert (
        "From your local leads" in draft
        and "Please send the final version by 14 March 2025." in draft
    )
    for text in (draft, final):
        assert "Partly met" in text and "Not yet met" in text


def test_award_letter_dates() -> None:
    text = all_text(render("award_letter", award_context()).docx)
    assert "awarded School of Sanctuary status on 14 July 2025" in text
    assert "renewal due by 14 July 2028" in text and "Renew after three years" in text


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
    later = audit_context()
    later["generated_on"] = dt.date(2026, 1, 1)
    assert render("audit_feedback", later).inputs_hash == first.inputs_hash
    assert render("audit_feedback", audit_context(embed="New")).inputs_hash != first.inputs_hash


def test_edited_template_is_not_served_stale(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), templates)
    before = render("award_letter", award_context(), templates)
    edit_word_template(templates / "award_letter.docx", "Celebrate with us.", "Party time.")
    after = render("award_letter", award_context(), templates)
    assert "Celebrate with us." in all_text(before.docx) and "Party time." in all_text(after.docx)
    assert before.inputs_hash != after.inputs_hash
    other = render("audit_feedback", audit_context(), templates)
    assert other.inputs_hash == render("audit_feedback", audit_context()).inputs_hash


def test_cheap_inputs_hash_agrees_with_rendering() -> None:
    """The nightly plan decides with `inputs_hash`; what it records comes from rendering."""
    from sos_sync.domain.documents import inputs_hash

    for name, (kind, ctx) in FIXTURES.items():
        doc = render_document(kind, "k", ctx, default_templates_dir())
        assert inputs_hash(kind, "k", ctx, default_templates_dir()) == doc.inputs_hash, name


# -- template and context errors ----------------------------------------------------------


def copied_templates(tmp_path: Path) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), templates)
    return templates


def test_undefined_field_is_an_error_naming_the_template(tmp_path: Path) -> None:
    templates = copied_templates(tmp_path)
    edit_word_template(templates / "audit_feedback.docx", "{{ school.name }}", "{{ school.nmae }}")
    with pytest.raises(TemplateError) as err:
        render("audit_feedback", audit_context(), templates)
    assert "audit_feedback.docx" in str(err.value) and "nmae" in str(err.value)
    assert err.value.template == "audit_feedback.docx"


def test_undefined_field_in_the_letterhead(tmp_path: Path) -> None:
    templates = copied_templates(tmp_path)
    edit_word_template(templates / "award_letter.docx", "{{ team }}", "{{ signature }}")
    with pytest.raises(TemplateError, match=r"award_letter\.docx: 'signature' is undefined"):
        render("award_letter", award_context(), templates)


def test_syntax_error_names_file(tmp_path: Path) -> None:
    templates = copied_templates(tmp_path)
    edit_word_template(templates / "award_letter.docx", "{{ leads|names }}", "{% if %}")
    with pytest.raises(TemplateError, match=r"award_letter\.docx"):
        render("award_letter", award_context(), templates)


def test_missing_template_and_unknown_kind(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"award_letter\.docx: template not found"):
        render("award_letter", award_context(), tmp_path)
    with pytest.raises(TemplateError, match="unknown document kind `letter`"):
        render("letter", award_context())


def test_context_that_does_not_match_its_model() -> None:
    ctx = award_context()
    ctx["school"] = {**SCHOOL, "urn": "12"}
    del ctx["award"]
    with pytest.raises(TemplateError) as err:
        render("award_letter", ctx)
    assert "school.urn" in str(err.value) and "award" in str(err.value)
    with pytest.raises(TemplateError, match="surprise: Extra inputs"):
        render("award_letter", {**award_context(), "surprise": 1})


# -- form text stays text -----------------------------------------------------------------


def test_form_text_is_literal(tmp_path: Path) -> None:
    long_note = ("Our pupils wrote letters of welcome. " * 400)[:12_000].strip()
    notes = {"learn": " ".join(HOSTILE), "embed": long_note, "share": EMOJI_RTL}
    doc = render("audit_feedback", audit_context(**notes))
    paragraphs = [p.text for p in docx.Document(io.BytesIO(doc.docx)).paragraphs]
    assert " ".join(HOSTILE) in paragraphs
    assert long_note in paragraphs and EMOJI_RTL in paragraphs
    xml = docx.Document(io.BytesIO(doc.docx)).element.xml
    assert "<script>" not in xml and "&lt;script&gt;" in xml


def test_hostile_text_in_every_field() -> None:
    hostile = '<script>alert(1)</script> {{ contact_email }} =HYPERLINK("https://evil.example","x")'
    context = application_context("Draft application", overall=hostile, next_steps=hostile)
    context["school"] = {**SCHOOL, "name": f"Ash Grove {hostile}", "contact_name": hostile}
    context["criteria"][0]["comment"] = hostile
    doc = render("application_feedback", context)
    assert all_text(doc.docx).count(hostile) >= 5
    assert docx.Document(io.BytesIO(doc.docx)).core_properties.title == doc.title


def test_multi_line_text_keeps_its_paragraphs_and_control_characters_are_dropped() -> None:
    doc = render("audit_feedback", audit_context(share="Line one\x0bstill one\x00 end\x07"))
    assert "Line onestill one end" in all_text(doc.docx)
    text = docx_outline(render("audit_feedback", audit_context()).docx)
    assert "All staff had an INSET on welcoming new arrivals in September." in text
    assert "\n[Normal] Next: a refresher for lunchtime staff.\n" in text  # its own paragraph


def test_shipped_templates_hold_the_expected_merge_fields() -> None:
    """The committed .docx files: each kind's fields, and nothing from configuration."""
    from docxtpl import DocxTemplate

    from sos_sync.domain.documents import jinja_environment

    expected = {
        "award_letter": {"school", "award", "salutation", "leads", "team", "letterhead", "logo"},
        "award_certificate": {"school", "award", "leads", "team", "logo", "signature_line"},
        "audit_feedback": {"criteria", "notes_parts", "strengths", "priorities", "completed_on"},
        "application_feedback": {"criteria", "review", "draft", "heading", "panel_on"},
    }
    for kind, fields in expected.items():
        found = DocxTemplate(str(default_templates_dir() / f"{kind}.docx"))
        names = found.get_undeclared_template_variables(jinja_environment(found))
        assert fields <= names, (kind, fields - names)
        assert "criteria_version" not in names


def test_shipped_templates_carry_only_what_letters_use() -> None:
    """Every letter copies its template's parts: the shipped ones hold no Word 2010 style
    copy, no thumbnail and no unused style sets, and every style a letter names is there."""
    import re
    import zipfile

    for path in sorted(default_templates_dir().glob("*.docx")):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            styles = zf.read("word/styles.xml").decode()
            stories = "".join(zf.read(n).decode() for n in names if re.match(r"word/\w+\.xml$", n))
        assert not [n for n in names if "stylesWithEffects" in n or "thumbnail" in n], path
        assert len(styles) < 20_000 and "latentStyles" not in styles, path
        defined = set(re.findall(r'w:styleId="([^"]+)"', styles))
        named = set(re.findall(r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', stories))
        assert named and named <= defined, (path, named - defined)


def test_slimmed_templates_make_the_same_letters_and_are_not_new_inputs() -> None:
    """The shipped templates were slimmed of unused styles: each makes the letter the first
    one made (the same PDF), with the same inputs hash, so an upgrade makes nothing again."""
    from sos_sync.delivery.pdf import docx_to_pdf
    from sos_sync.domain.documents import inputs_hash

    first = Path(__file__).parent / "fixtures" / "templates-first"
    for name, (kind, context) in FIXTURES.items():
        key = f"{SCHOOL['urn']}:{kind}:2025-01-15"
        before, now = render(kind, context, first), render(kind, context)
        assert len(now.docx) < len(before.docx) / 2, name
        assert now.inputs_hash == before.inputs_hash, name
        assert inputs_hash(kind, key, context, first) == now.inputs_hash, name
        assert docx_to_pdf(now.docx) == docx_to_pdf(before.docx), name
