"""What a night of many letters reuses (parsed markup, compiled templates, the zip's bytes,
the PDF laid out in one pass) leaves every letter as if it were the only one."""

from __future__ import annotations

import copy
import datetime as dt
import io
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import TODAY, edit_word_template
from pypdf import PdfReader
from test_documents import FIXTURES, audit_context, award_context, render

from sos_sync.delivery.pdf import docx_to_pdf
from sos_sync.domain.document_engine import stable_zip
from sos_sync.domain.documents import default_templates_dir
from sos_sync.domain.report import RunReport
from sos_sync.plan.documents import WantedDocument, plan_documents
from sos_sync.run.state import State, load_state, save_state


def _rezipped(data: bytes) -> bytes:
    """The slow, obvious way: every entry read and written again dated 1 January 1980."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def test_stable_zip_gives_the_bytes_of_rewriting_every_entry() -> None:
    made = io.BytesIO()
    with zipfile.ZipFile(made, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>" * 50)  # dated now
        zf.writestr("word/document.xml", "<w:document>é</w:document>" * 80)
        zf.writestr("word/media/image1.png", bytes(range(256)) * 8)
    data = made.getvalue()
    fixed = stable_zip(data)
    assert fixed != data and fixed == _rezipped(data)
    with zipfile.ZipFile(io.BytesIO(fixed)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert zf.read("word/document.xml").decode() == "<w:document>é</w:document>" * 80
    letter = render("award_letter", award_context()).docx
    assert stable_zip(letter) == letter == _rezipped(letter)


def test_letters_rendered_one_after_another_are_each_what_they_are_alone() -> None:
    """Templates compiled and cleaned once, and markup parsed once, serve every letter:
    the same .docx and PDF bytes whatever was rendered before."""
    alone = {n: render(k, c).docx for n, (k, c) in FIXTURES.items()}
    pdfs = {n: docx_to_pdf(d) for n, d in alone.items()}
    other = audit_context(learn="Different words for another school.")
    other["school"] = {"urn": "654321", "name": "Birch Lane Academy", "contact_name": ""}
    docx_to_pdf(render("audit_feedback", other).docx)
    for name, (kind, ctx) in reversed(list(FIXTURES.items())):
        again = render(kind, ctx).docx
        assert again == alone[name], name
        assert docx_to_pdf(again) == pdfs[name], name


def test_every_page_has_the_header_and_its_page_of_the_total() -> None:
    notes = "\n\n".join(f"Paragraph {i} of the school's long evidence." for i in range(60))
    ctx = audit_context(learn=notes)
    ctx["letterhead"] = {"address": "1 High Street\nLeeds LS1 1AA"}
    pdf = PdfReader(io.BytesIO(docx_to_pdf(render("audit_feedback", ctx).docx)))
    total = len(pdf.pages)
    assert total >= 3
    for number, page in enumerate(pdf.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {total}" in text
        assert "Leeds LS1 1AA" in text  # the header
    assert "Paragraph 59 of the school's long evidence." in "".join(
        p.extract_text() for p in pdf.pages
    )


def test_a_night_with_documents_off_renders_and_hashes_nothing(tmp_path: Path) -> None:
    """A new document that waits for a later night is not compared with anything: a missing
    template is found on the night it is made, not every night it waits."""
    _, ctx = FIXTURES["audit_feedback"]
    wanted = [WantedDocument("123456:audit_feedback:2025-01-15", "audit_feedback", "123456",
                             "Ash Grove", ctx)]  # fmt: skip
    today = dt.date(2025, 7, 15)
    off = plan_documents(wanted, {}, {}, tmp_path / "no-templates", today, 0)
    assert off.jobs == () and off.deferred == 1 and not off.problems
    on = plan_documents(wanted, {}, {}, tmp_path / "no-templates", today, 5)
    assert on.status[wanted[0].key] == "Template error" and on.problems
    made = plan_documents(wanted, {}, {}, default_templates_dir(), today, 5)
    assert len(made.jobs) == 1
    again = plan_documents(wanted, {}, made.record, default_templates_dir(), today, 0)
    assert again.status[wanted[0].key] == "Missing (deleted by hand?)"  # compared, not waiting


def test_the_inputs_key_changes_with_every_input_and_only_with_them(tmp_path: Path) -> None:
    from PIL import Image

    from sos_sync.domain.document_inputs import inputs_key

    templates = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), templates)
    logo = tmp_path / "logo.png"
    Image.new("RGB", (8, 8), (31, 95, 107)).save(logo)
    ctx = audit_context()
    ctx["letterhead"] = {"address": "1 High Street", "logo": str(logo)}
    key = inputs_key("audit_feedback", ctx, templates)
    assert len(key) == 32 and key == inputs_key("audit_feedback", copy.deepcopy(ctx), templates)
    assert (
        inputs_key("audit_feedback", {**ctx, "generated_on": dt.date(2030, 1, 1)}, templates) == key
    )
    changed = [
        inputs_key("audit_feedback", audit_context(embed="New words"), templates),
        inputs_key("award_letter", ctx, templates),
    ]
    Image.new("RGB", (8, 8), (200, 0, 0)).save(logo)
    changed.append(inputs_key("audit_feedback", ctx, templates))
    edit_word_template(templates / "audit_feedback.docx", "Thank you for", "Many thanks for")
    changed.append(inputs_key("audit_feedback", ctx, templates))
    assert len({key, *changed}) == 5
    assert inputs_key("audit_feedback", ctx, tmp_path / "nowhere") == ""  # then it is hashed


def test_an_unchanged_document_is_found_by_its_inputs_key(tmp_path: Path) -> None:
    """The recorded hash stands for inputs with the recorded key; other inputs are hashed."""
    kind, ctx = FIXTURES["audit_feedback"]
    key = "123456:audit_feedback:2025-01-15"
    wanted = [WantedDocument(key, kind, "123456", "Ash Grove", ctx)]
    today = dt.date(2025, 7, 15)
    made = plan_documents(wanted, {}, {}, default_templates_dir(), today, 5)
    assert made.record[key]["inputs"]
    stand_in = {key: {**made.record[key], "hash": "recorded"}}  # only the key can match it
    kept = plan_documents(wanted, {}, stand_in, default_templates_dir(), today, 5)
    assert kept.jobs == () and kept.status[key] == "Missing (deleted by hand?)"
    other = [WantedDocument(key, kind, "123456", "Ash Grove", audit_context(embed="New"))]
    again = plan_documents(other, {}, stand_in, default_templates_dir(), today, 5)
    assert len(again.jobs) == 1  # new inputs: hashed, found changed, made again


def test_a_documents_fingerprint_is_read_again_only_when_its_file_changed(tmp_path: Path) -> None:
    import json
    import os

    from sos_sync.backends.local.stores import SEEN_FILE, DocxDocuments, file_fingerprint

    docs = DocxDocuments(tmp_path / "docs", tmp_path)
    data = render("award_letter", award_context()).docx
    key = "123456:award_letter:2025-07-14"
    written = docs.write_document(key, "Award", data, "h")
    assert docs.read_documents([key, "654321:award_letter:2025-07-14"]) == {key: written}
    seen_path = tmp_path / SEEN_FILE
    assert not seen_path.exists()  # kept only once the night finishes
    docs.commit_seen()
    seen = json.loads(seen_path.read_text())
    (name,) = seen
    assert seen[name][4] == written.fingerprint
    seen[name][4] = "as seen before"  # the file is unchanged: what was seen stands
    seen_path.write_text(json.dumps(seen))
    assert docs.read_documents([key])[key].fingerprint == "as seen before"
    before = seen_path.read_bytes()
    docs.read_documents([key])
    assert seen_path.read_bytes() == before  # nothing new: not written again
    path = tmp_path / "docs" / name
    edited = bytearray(path.read_bytes())
    edited[-30] ^= 1  # a person's save: same size, the same modification time set back
    stat = path.stat()
    path.write_bytes(bytes(edited))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert docs.read_documents([key])[key].fingerprint == file_fingerprint(path) != "as seen before"
    path.unlink()
    assert docs.read_documents([key]) == {}
    docs.commit_seen()
    assert json.loads(seen_path.read_text()) == {}


def test_documents_made_by_an_earlier_release_get_their_inputs_key_once(
    workspace: Path, sync: Callable[..., RunReport]
) -> None:
    """A kept document's record takes what the plan adds to it (here the inputs key an
    earlier release did not record), so the next nights can skip hashing it."""
    sync(workspace)
    state = load_state(workspace)
    docs = state.extra["documents"]
    made = {k: v["inputs"] for k, v in docs.items() if v.get("inputs") and "feedback" in k}
    assert made
    older = {k: {f: x for f, x in v.items() if f != "inputs"} for k, v in docs.items()}
    save_state(workspace, State(state.memory, state.pending, {**state.extra, "documents": older}))
    busy = sync(workspace, TODAY + dt.timedelta(days=40))  # a night that writes, too
    assert busy.as_json()["writes"] > 0
    again = load_state(workspace).extra["documents"]
    assert {k: again[k].get("inputs") for k in made} == made


def test_kept_line_breaking_is_what_breaking_again_gives() -> None:
    """A paragraph's line breaking is kept by its parsed text, bullet and width: a width or
    bullet it was not broken for is broken afresh, and the next letter's same paragraph
    gets the same lines a fresh reportlab paragraph would."""
    from reportlab.platypus import Paragraph

    from sos_sync.delivery.docx_story import KeptParagraph, _parsed, _reportlab_style
    from sos_sync.delivery.pdf import _fonts

    _fonts()
    style = _reportlab_style("Normal", 9.9, 12.4, 0, 6, 0, None, True, False)
    markup = '<font size="9.9">' + "Our welcome is for every family who arrives. " * 6 + "</font>"
    text, parsed, frags = _parsed(markup, style)

    def lines(p: Paragraph, width: float) -> tuple[Any, ...]:
        size = p.wrap(width, 1000)
        return size, [(line[0], line[1]) for line in p.blPara.lines], p._wrapWidths

    for width, bullet in ((400.0, None), (150.0, None), (400.0, "•"), (150.0, "2."), (400.0, None)):
        fresh = Paragraph(markup, style, bulletText=bullet)
        for kept in (KeptParagraph(text, parsed, bulletText=bullet, frags=frags),) * 2:
            assert lines(kept, width) == lines(fresh, width), (width, bullet)
