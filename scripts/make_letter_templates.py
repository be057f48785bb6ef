"""Make the shipped Word templates in templates/ (run once; the .docx files are committed).

The .docx files are the source a lead edits in Word or Google Docs; this script is how the
first versions were made and is kept so an engineer can rebuild them from scratch:
``.venv/bin/python scripts/make_letter_templates.py``. Merge fields are docxtpl's Jinja
tags: ``{{ school.name }}`` in text, ``{%p if ... %}`` / ``{%p for ... %}`` on a paragraph
of their own, ``{%tr for ... %}`` on a table row of its own, ``{{r ... }}`` for rich text
(multi-line form text, links, the logo).
"""

from __future__ import annotations

import sys

from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from letter_template_parts import (
    GREY,
    OUT,
    TEAL,
    base,
    bullets,
    criteria_table,
    letterhead,
    no_borders,
    opening,
    para,
    resources,
    sign_off,
    slim,
)


def award_letter() -> Document:
    d = base()
    letterhead(d)
    opening(
        d,
        "Congratulations: you are a School of Sanctuary!",
        [
            "{{ salutation }},",
            "We are delighted to confirm that {{ school.name }} was awarded School of "
            "Sanctuary status on {{ award.awarded_on|long_date }}.",
            "The award recognises everything your pupils, staff, governors and families have "
            "done to learn about what it means to seek sanctuary, to embed a culture of welcome "
            "in your school, and to share that welcome with your wider community. Thank you for "
            "all your hard work, and congratulations to everyone involved.",
        ],
    )
    para(d, "Your award", "Heading 2")
    para(
        d,
        "Awarded on {{ award.awarded_on|long_date }}; renewal due by "
        "{{ award.renewal_due|long_date }}. Your certificate comes with this letter.",
    )
    para(d, "What to do next", "Heading 2")
    for lead, rest in (
        (
            "Share your news far and wide. ",
            "Tell your pupils, families, staff and governors, "
            "and share it on your website, in your newsletter and on social media.",
        ),
        (
            "Celebrate with us. ",
            "We will invite you to our celebration event, where schools receive their awards.",
        ),
        (
            "Keep the welcome going. ",
            "Keep learning, embedding and sharing, come along to our "
            "network meetings, and help schools that are just starting out.",
        ),
        (
            "Renew after {{ renewal_years|count }} years. ",
            "Please renew your pledge and your "
            "School of Sanctuary status by {{ award.renewal_due|long_date }}. We will get in "
            "touch nearer the time.",
        ),
    ):
        p = d.add_paragraph(style="List Bullet")
        p.add_run(lead).bold = True
        p.add_run(rest)
    sign_off(d)
    return d


def audit_feedback() -> Document:
    d = base()
    letterhead(d)
    opening(
        d,
        "Your Schools of Sanctuary audit: our feedback",
        [
            "{{ salutation }},",
            "Thank you for completing the audit of your existing provision on "
            "{{ completed_on|long_date }}. Taking the time to look at everything your school "
            "already does to welcome people seeking sanctuary is a real achievement, and it "
            "gives us a clear picture of where you are on your journey. Below you will find your "
            "ratings, the strengths we can see, and some ideas and resources for the areas to "
            "develop next.",
        ],
    )
    para(d, "Your audit at a glance", "Heading 2")
    para(
        d,
        "These are the ratings you gave against the {{ criteria|length|count }} minimum criteria.",
    )
    criteria_table(d, "Your rating", "{{ c.rating }}")
    para(d, "What you told us", "Heading 2")
    para(d, "{%p for part in notes_parts %}")
    para(d, "{{ part.heading }}", "Heading 3")
    para(d, "{%p if part.text %}")
    para(d, "{{ part.text|paras }}")
    para(d, "{%p else %}")
    para(d, "You did not add any notes for this part of the audit.")
    para(d, "{%p endif %}")
    para(d, "{%p endfor %}")
    para(d, "Your strengths", "Heading 2")
    para(d, "{%p if strengths %}")
    para(
        d,
        "You rated these criteria as Established or Embedded. Well done: they are the "
        "foundation of your application, so keep collecting evidence as you go (photos, "
        "pupils' work, pupil voice, policies and newsletters).",
    )
    bullets(d, "c in strengths", "{{ c.code }} {{ c.title|sentence }} ({{ c.rating }})")
    para(d, "{%p else %}")
    para(
        d,
        "You have not rated any criterion as Established or Embedded yet. That is "
        "completely normal at the start of the journey, and the priorities below will help "
        "you build up quickly.",
    )
    para(d, "{%p endif %}")
    para(d, "Your priorities", "Heading 2")
    para(d, "{%p if priorities %}")
    para(
        d,
        "These criteria are not started or still developing. We suggest beginning with the "
        "ones not started yet. Each comes with some ideas and resources to help.",
    )
    para(d, "{%p for c in priorities %}")
    para(d, "{{ c.code }} {{ c.title|sentence }} ({{ c.rating }})", "Heading 3")
    para(d, "{%p if c.actions %}")
    para(d, "Suggested actions", bold=True, after=2)
    bullets(d, "a in c.actions", "{{ a }}")
    para(d, "{%p endif %}")
    resources(d, "c", "c.resources")
    para(d, "{%p endfor %}")
    para(d, "{%p else %}")
    para(
        d,
        "You rated every criterion as Established or Embedded: impressive. Your next task "
        "is to gather the evidence that shows it.",
    )
    para(d, "{%p endif %}")
    para(d, "Your next step: your action plan", "Heading 2")
    para(d, "With your audit done, you are ready for the next step: your action plan.")
    for line in (
        "Create your School of Sanctuary action plan, starting with the priorities above.",
        "Include how pupils will learn about people seeking sanctuary and forced migration "
        "across the curriculum: in different subjects, year groups and activities.",
        "Plan how you will mark Refugee Week and other key campaigns.",
        "Sign up to local and national network meetings and training events.",
        "Make links with local organisations that support people seeking sanctuary.",
        "Send us your action plan through the application form (choose \u201cAction plan\u201d),"
        " and ask for a catch-up meeting whenever it would help.",
    ):
        para(d, line, "List Bullet")
    para(
        d,
        "There is no rush: every step you take already makes a difference to the children "
        "and families you welcome.",
    )
    sign_off(d)
    return d


def application_feedback() -> Document:
    d = base()
    letterhead(d)
    opening(d, "{{ heading }}", ["{{ salutation }},"])
    para(d, "{%p if draft %}")
    para(
        d,
        "Thank you for sending us your draft application. We have read it carefully "
        "against the {{ criteria|length|count }} minimum criteria, and it is clear how much "
        "work has gone into it. This feedback shows where your evidence already meets each "
        "criterion and where a little more would strengthen your final application.",
    )
    para(d, "{%p else %}")
    para(
        d,
        "Thank you for sending us your final application and portfolio of evidence. We have "
        "read it carefully against the {{ criteria|length|count }} minimum criteria ahead "
        "of the sanctuary appraisal panel.",
    )
    para(d, "{%p endif %}")
    para(d, "Summary", "Heading 2")
    criteria_table(d, "Our judgement", "{{ c.judgement }}")
    para(d, "Overall comments", "Heading 2")
    para(d, "{%p if review.overall|trim %}")
    para(d, "{{ review.overall|paras }}")
    para(d, "{%p else %}")
    para(d, "Please see our comments on each criterion below.")
    para(d, "{%p endif %}")
    para(d, "Feedback on each criterion", "Heading 2")
    para(d, "{%p for c in criteria %}")
    para(d, "{{ c.code }} {{ c.title|sentence }}: {{ c.judgement }}", "Heading 3")
    para(d, "{%p if c.comment|trim %}")
    para(d, "{{ c.comment|paras }}")
    para(d, "{%p else %}")
    para(d, "No further comment.")
    para(d, "{%p endif %}")
    para(d, "{%p if c.judgement != 'Met' and c.actions %}")
    para(d, "Ideas to strengthen your evidence", bold=True, after=2)
    bullets(d, "a in c.actions", "{{ a }}")
    para(d, "{%p endif %}")
    resources(d, "c", "c.judgement != 'Met' and c.resources")
    para(d, "{%p endfor %}")
    para(d, "Next steps", "Heading 2")
    para(d, "{%p if draft %}")
    for line in (
        "Read this feedback with your Schools of Sanctuary team and decide how you will respond "
        "to each point.",
        "Add further evidence where a criterion is partly met or not yet met: photos, pupils' "
        "work, pupil voice, policies, newsletters and links.",
        "Submit your final application and portfolio of evidence through the application form.",
        "Ask us for a catch-up meeting at any time if you would like to talk it through.",
    ):
        para(d, line, "List Number")
    para(d, "{%p else %}")
    for line in (
        "The sanctuary appraisal panel meets to assess your application{{ panel_on }}.",
        "A school visit{{ visit_on }}: a chance for the assessors to meet your pupils, teachers, "
        "leaders and parents and to see your welcome in action.",
        "We give you the panel's feedback and decision.",
        "Once your Schools of Sanctuary status is awarded, we celebrate with a presentation at "
        "our celebration event.",
    ):
        para(d, line, "List Bullet")
    para(d, "{%p endif %}")
    para(d, "{%p if review.next_steps|trim %}")
    para(d, "From your local leads", "Heading 3")
    para(d, "{{ review.next_steps|paras }}")
    para(d, "{%p endif %}")
    sign_off(d)
    return d


def award_certificate() -> Document:
    d = base(landscape=True)
    sec = d.sections[0]
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for edge in ("top", "left", "bottom", "right"):
        e = OxmlElement(f"w:{edge}")
        for k, v in (("w:val", "double"), ("w:sz", "18"), ("w:space", "24"), ("w:color", "1F5F6B")):
            e.set(qn(k), v)
        borders.append(e)
    sec._sectPr.append(borders)
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(d, "", after=24)
    para(d, "{{ logo }}", align=center, after=6)
    para(d, "{{ team }}", size=12, color=GREY, align=center, after=24)
    para(d, "Certificate of Award", size=34, bold=True, color=TEAL, align=center, after=14)
    para(d, "This certifies that", size=14, align=center, after=8)
    para(d, "{{ school.name }}", size=28, bold=True, align=center, after=8)
    para(
        d,
        "was awarded School of Sanctuary status on {{ award.awarded_on|long_date }}",
        size=14,
        align=center,
        after=6,
    )
    para(
        d,
        "in recognition of its commitment to learning about sanctuary, embedding a culture "
        "of welcome, and sharing that welcome with its community.",
        size=12,
        color=GREY,
        align=center,
        after=40,
    )
    signatures = d.add_table(rows=1, cols=3)
    signatures.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(signatures)
    first, middle, last = signatures.rows[0].cells
    first.paragraphs[0].add_run("{%tc for lead in leads %}")
    middle.paragraphs[0].add_run("{{ signature_line }}")
    middle.paragraphs[0].alignment = center
    para(middle, "{{ lead }}", size=12, bold=True, align=center, after=0)
    para(middle, "Schools of Sanctuary local lead", size=9, color=GREY, align=center, after=0)
    last.paragraphs[0].add_run("{%tc endfor %}")
    para(d, "", after=12)
    para(
        d,
        "Valid until {{ award.renewal_due|long_date }}",
        size=10,
        color=GREY,
        align=center,
        after=0,
    )
    return d


def reminder() -> Document:
    d = base()
    letterhead(d)
    opening(d, "{{ heading }}", ["{{ salutation }},"])
    para(d, "{%p if reason == 'stalled' %}")
    para(
        d,
        "We have not heard from you since {{ since }}, and we wanted to check in. Your next "
        "step on the way to becoming a School of Sanctuary is: {{ next_action|lower }}.",
    )
    para(
        d,
        "If something has got in the way, that is completely normal: tell us and we will help "
        "you find a way forward, or suggest a time for a catch-up meeting.",
    )
    para(d, "{%p elif reason == 'renewal' %}")
    para(
        d,
        "Your School of Sanctuary status is due for renewal on {{ renewal_due }}. Renewing "
        "shows your community that the welcome goes on: please renew your pledge and send us "
        "your renewal application before then.",
    )
    para(d, "{%p elif reason == 'consent' %}")
    para(
        d,
        "Thank you for your recent form. The consent box was not ticked, so we could not keep "
        "your contact details and cannot keep you up to date. Please send the form again with "
        "the consent box ticked.",
    )
    para(d, "{%p else %}")
    para(
        d,
        "Thank you for signing up. We do not yet have an expression of interest from "
        "{{ school.name }}: please fill in the expression of interest form so that we can "
        "welcome you to the programme properly.",
    )
    para(d, "{%p endif %}")
    sign_off(d)
    return d


BUILDERS = {
    "award_letter": award_letter,
    "award_certificate": award_certificate,
    "audit_feedback": audit_feedback,
    "application_feedback": application_feedback,
    "reminder": reminder,
}


def main(names: list[str]) -> int:
    """Write the named templates (all of them when none is named). Rewriting a template
    changes its bytes, so every document made from it is regenerated the next night."""
    OUT.mkdir(exist_ok=True)
    for name in names or list(BUILDERS):
        doc = BUILDERS[name]()
        slim(doc)
        doc.core_properties.revision = 1
        path = OUT / f"{name}.docx"
        doc.save(str(path))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
