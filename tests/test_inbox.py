"""The inbox reader: exports as people download and re-save them (SPEC §3, §9, §11).

Every export is matched to its form by its header whatever it is called; encodings and
delimiters are detected; an export that is missing, empty, headers-only, unreadable,
cut short or claimed twice fails its form with a plain reason; a response's id comes
from what it means, so a re-saved export is the same responses.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from sos_sync.backends.base import ResponsesRead
from sos_sync.backends.local.inbox import InboxSource, read_csv_export
from sos_sync.config.load import Config, load_config
from sos_sync.domain.forms import FORM_KINDS
from sos_sync.domain.responses import parse_timestamp
from sos_sync.errors import ConfigError
from sos_sync.ops.sample import write_demo_inbox
from sos_sync.ops.workspace import init_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    w = init_workspace(tmp_path / "ws")
    write_demo_inbox(w / "inbox", load_config(w))
    return w


def read(ws: Path) -> ResponsesRead:
    config = load_config(ws)
    return InboxSource(ws / "inbox", config.forms).read_responses()


def ids(result: ResponsesRead, kind: str = "eoi") -> list[str]:
    return [r.response_id for r in result.responses[kind]]  # type: ignore[index]


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(
    path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ","
) -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def excel_time(text: str) -> str:
    """A Forms CSV timestamp as Excel re-saves it: London wall time, no seconds."""
    from sos_sync.domain.responses import LONDON

    when = parse_timestamp(text)
    return when.astimezone(LONDON).strftime("%d/%m/%Y %H:%M") if when else text


# ---------------------------------------------------------------- matched by header


@pytest.mark.parametrize(
    "name",
    ["Expression of interest (Responses).csv", "Schools of Sanctuary EOI 2025.csv", "EOI.CSV"],
)
def test_an_export_is_its_form_whatever_it_is_called(ws: Path, name: str) -> None:
    before = read(ws)
    (ws / "inbox" / "eoi.csv").rename(ws / "inbox" / name)
    after = read(ws)
    assert after.failed == {}
    assert ids(after) == ids(before) and len(ids(after)) > 5
    assert after.responses["eoi"][0].source.startswith(f"inbox/{name} row ")


def test_the_zip_google_downloads_is_read(ws: Path) -> None:
    before = read(ws)
    inbox = ws / "inbox"
    with zipfile.ZipFile(inbox / "Expression of interest.csv.zip", "w") as z:
        z.write(inbox / "eoi.csv", "Expression of interest (Responses).csv")
    (inbox / "eoi.csv").unlink()
    after = read(ws)
    assert after.failed == {}
    assert ids(after) == ids(before)


def test_the_same_export_twice_is_read_once_but_two_different_ones_fail_the_form(ws: Path) -> None:
    inbox = ws / "inbox"
    with zipfile.ZipFile(inbox / "eoi.zip", "w") as z:  # the download and the file inside it
        z.write(inbox / "eoi.csv", "Expression of interest (Responses).csv")
    assert read(ws).failed == {}
    rows = rows_of(inbox / "eoi.csv")
    write_rows(inbox / "Expression of interest (Responses).csv", rows[:-1])
    result = read(ws)
    assert set(result.failed) == {"eoi"}
    why = result.failed["eoi"]
    assert "Different exports hold" in why
    assert "`inbox/eoi.csv`" in why and "`inbox/Expression of interest (Responses).csv`" in why


# ---------------------------------------------------------------- failing closed


def test_a_missing_inbox_folder_is_a_configuration_error(ws: Path) -> None:
    (ws / "inbox").rename(ws / "elsewhere")
    with pytest.raises(ConfigError, match="inbox folder .* does not exist"):
        read(ws)


def test_a_missing_export_fails_its_form_and_names_what_it_found(ws: Path) -> None:
    (ws / "inbox" / "eoi.csv").rename(ws / "inbox" / "notes.csv.bak")
    (ws / "inbox" / "minutes.csv").write_text("Date,Notes\r\n2025-01-01,hello\r\n")
    result = read(ws)
    assert set(result.failed) == {"eoi"}
    why = result.failed["eoi"]
    assert "No export of the expression of interest form" in why
    assert "`inbox/minutes.csv`" in why
    assert all(result.responses[k] for k in FORM_KINDS if k != "eoi")


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda p: p.write_bytes(b""), "is empty (0 bytes)"),
        (lambda p: p.write_bytes(p.read_bytes().split(b"\r\n")[0] + b"\r\n"), "no responses"),
        (lambda p: p.write_bytes(b"\x81\x8d\x8f\x90\x9d" * 20), "not text"),
        (lambda p: p.write_bytes(p.read_bytes()[: p.read_bytes().rindex(b",")]), "cut short"),
        (lambda p: p.write_bytes(p.read_bytes().rstrip(b"\r\n") + b',"half an ans'), "cut short"),
        (lambda p: p.write_bytes(p.read_bytes() + "é".encode()[:1]), "cut short"),
    ],
    ids=["empty", "headers-only", "not-text", "last-row-short", "inside-quotes", "mid-character"],
)
def test_an_unusable_export_fails_its_form_with_a_plain_reason(
    ws: Path, damage: object, words: str
) -> None:
    damage(ws / "inbox" / "eoi.csv")  # type: ignore[operator]
    result = read(ws)
    assert set(result.failed) == {"eoi"}, result.failed
    assert "inbox/eoi.csv" in result.failed["eoi"] and words in result.failed["eoi"]
    assert "eoi" not in result.responses
    with pytest.raises(ValueError, match=words.split()[0]):
        read_csv_export(ws / "inbox" / "eoi.csv", load_config(ws).forms["eoi"])


def test_a_cut_short_workbook_or_zip_fails_its_form(ws: Path, tmp_path: Path) -> None:
    config = load_config(ws)
    inbox = ws / "inbox"
    xlsx = ms_forms_workbook(config, "eoi", rows_of(inbox / "eoi.csv"))
    (inbox / "eoi.csv").unlink()
    (inbox / "eoi.xlsx").write_bytes(xlsx[: len(xlsx) // 2])
    assert "cut short" in read(ws).failed["eoi"]
    (inbox / "eoi.xlsx").unlink()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Expression of interest (Responses).csv", xlsx)
    (inbox / "eoi.zip").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    assert "cut short" in read(ws).failed["eoi"]


def test_a_renamed_question_in_a_renamed_file_still_names_the_question(ws: Path) -> None:
    src = ws / "inbox" / "audit.csv"
    (ws / "inbox" / "Audit (Responses).csv").write_text(
        src.read_text(encoding="utf-8").replace("Completed by", "Who completed this?"),
        encoding="utf-8",
    )
    src.unlink()
    why = read(ws).failed["audit"]
    assert "`Completed by`" in why and "Audit (Responses).csv" in why


# ---------------------------------------------------------------- encodings and delimiters


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8-sig", ","),
        ("utf-16", "\t"),  # Excel's "Unicode text"
        ("utf-16-le", ","),  # no byte-order mark
        ("cp1252", ","),  # Excel's "CSV (Comma delimited)" on Windows
        ("cp1252", ";"),  # ... where the list separator is `;`
        ("utf-8", "\t"),
    ],
)
def test_encodings_and_delimiters_read_the_same_responses(
    ws: Path, encoding: str, delimiter: str
) -> None:
    before = read(ws)
    for kind in FORM_KINDS:
        path = ws / "inbox" / load_config(ws).forms[kind].inbox_file
        write_rows(path, rows_of(path), encoding, delimiter)
    after = read(ws)
    assert after.failed == {}
    for kind in FORM_KINDS:
        assert [(r.response_id, r.answers, r.email) for r in after.responses[kind]] == [
            (r.response_id, r.answers, r.email) for r in before.responses[kind]
        ]
    text = repr([r.answers for k in FORM_KINDS for r in after.responses[k]])
    assert "�" not in text and "–" in text and "’" in text or "'" in text


# ---------------------------------------------------------------- identity


def test_a_resaved_export_is_the_same_responses(ws: Path) -> None:
    """Excel: `20/06/2025 10:00` timestamps (seconds dropped), Windows-1252, rows as they were."""
    before = read(ws)
    for kind in FORM_KINDS:
        path = ws / "inbox" / load_config(ws).forms[kind].inbox_file
        rows = rows_of(path)
        write_rows(path, [rows[0]] + [[excel_time(r[0]), *r[1:]] for r in rows[1:]], "cp1252")
    after = read(ws)
    for kind in FORM_KINDS:
        assert ids(after, kind) == ids(before, kind), kind


def test_seconds_do_not_matter_but_the_minute_does() -> None:
    from sos_sync.backends.local.exports.identity import CsvIdentities

    a = CsvIdentities("eoi").next("2025/06/20 10:00:37 AM GMT+1", "A@School.uk ", "X", "100001")
    b = CsvIdentities("eoi").next("20/06/2025 10:00", "a@school.uk", " X ", "100001")
    c = CsvIdentities("eoi").next("20/06/2025 10:01", "a@school.uk", "X", "100001")
    assert a.response_id == b.response_id != c.response_id


def test_different_signups_alike_in_time_school_and_urn_are_both_kept(ws: Path) -> None:
    path = ws / "inbox" / "signups.csv"
    rows = rows_of(path)
    h = rows[0]
    first = dict(zip(h, rows[1], strict=True))
    twin = dict(first, **{"Your name": "Another Teacher", "Email Address": "", "Your email": ""})
    first.update({"Email Address": "", "Your email": ""})
    copy = dict(first)  # the same row again, cell for cell: one response given twice
    write_rows(path, [h, *([r[c] for c in h] for r in (first, twin, copy)), *rows[2:]])
    result = read(ws)
    got = result.responses["signup"]
    assert got[0].response_id != got[1].response_id
    assert got[2].response_id == got[0].response_id
    assert {got[0].answers["attendee_name"], got[1].answers["attendee_name"]} == {
        "Sam Patel",
        "Another Teacher",
    }


def test_the_id_an_older_version_gave_rides_along(ws: Path) -> None:
    from sos_sync.domain.responses import csv_response_id

    raw = read(ws).responses["eoi"][0]
    rows = rows_of(ws / "inbox" / "eoi.csv")
    r = dict(zip(rows[0], rows[1], strict=True))
    old = csv_response_id(
        "eoi", r["Timestamp"], r["Email Address"], r["School name"], r["School URN"]
    )
    assert raw.aliases == (old,) and raw.response_id != old


# ---------------------------------------------------------------- Microsoft Forms


def ms_forms_workbook(config: Config, kind: str, csv_rows: list[list[str]]) -> bytes:
    """A Microsoft Forms export of the same responses as a Google CSV (built as MS Forms does)."""
    import datetime as dt

    import openpyxl

    from sos_sync.domain.responses import LONDON

    spec = config.forms[kind]  # type: ignore[index]
    header, rows = csv_rows[0], csv_rows[1:]
    titles = [f.title for f in spec.fields]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["ID", "Start time", "Completion time", "Email", "Name", *titles])
    distinct = list(dict.fromkeys(tuple(r) for r in rows))  # a row listed twice is one response
    for n, row in enumerate(distinct, start=1):
        r = dict(zip(header, row, strict=True))
        when = parse_timestamp(r["Timestamp"])
        local = when.astimezone(LONDON).replace(tzinfo=None) if when else r["Timestamp"]
        start = local - dt.timedelta(minutes=4) if isinstance(local, dt.datetime) else local
        answers = []
        for f in spec.fields:
            v = r[f.title]
            if f.type == "checkbox":
                from sos_sync.domain.responses import split_checkbox

                known, unknown = split_checkbox(v, tuple(config.programme.by_label()))
                v = "".join(f"{x};" for x in [*known, *unknown])
            answers.append(v)
        ws.append([n, start, local, r.get("Email Address") or "anonymous", "", *answers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_microsoft_forms_workbook_is_read_like_the_google_csv(ws: Path) -> None:
    config = load_config(ws)
    before = read(ws)
    for kind in FORM_KINDS:
        path = ws / "inbox" / config.forms[kind].inbox_file
        (ws / "inbox" / f"{config.forms[kind].label}(1-9).xlsx").write_bytes(
            ms_forms_workbook(config, kind, rows_of(path))
        )
        path.unlink()
    after = read(ws)
    assert after.failed == {}
    for kind in FORM_KINDS:
        a, b = before.responses[kind], after.responses[kind]
        a = list({x.response_id: x for x in a}.values())  # a row listed twice is one response
        assert len(a) == len(b)
        assert all(y.response_id.startswith("ms-") for y in b)
        for x, y in zip(a, b, strict=True):
            assert parse_timestamp(x.submitted_raw) == parse_timestamp(y.submitted_raw)
            assert x.email == y.email
            for name, answer in x.answers.items():
                got = y.answers[name]
                want = answer if not isinstance(got, tuple) else got
                assert got == want, (kind, name)
    formula = [r for r in after.responses["eoi"] if str(r.answers["school"]).startswith("=")]
    assert (
        formula and formula[0].answers["school"] == '=HYPERLINK("https://evil.example","Click me")'
    )


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2025/06/20 10:00:37 AM GMT+1", "2025-06-20 09:00:37"),  # as Google downloads it
        ("2024/12/01 3:05:00 PM GMT", "2024-12-01 15:05:00"),
        ("20/06/2025 10:00", "2025-06-20 09:00:00"),  # as Excel re-saves it
        ("20.06.2025 10:00", "2025-06-20 09:00:00"),
        ("20/06/25 10:00", "2025-06-20 09:00:00"),
        ("20/06/2025 10:00:37 AM", "2025-06-20 09:00:37"),
        ("2025/06/20 10:00:37 AM", "2025-06-20 09:00:37"),  # the Google form, zone dropped
        ("2025-06-20 10:00:00", "2025-06-20 09:00:00"),  # a Microsoft Forms cell
        ("20/06/2025 13:00 PM", None),
        ("31/02/2025 10:00", None),
        ("yesterday afternoon", None),
    ],
)
def test_timestamps_as_exports_and_re_saves_write_them(text: str, utc: str | None) -> None:
    got = parse_timestamp(text)
    assert (got.strftime("%Y-%m-%d %H:%M:%S") if got else None) == utc
