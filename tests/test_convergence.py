"""One night converges: the next night with no new input writes nothing (SPEC §5, §11).

Regression: responses were joined form by form (EOIs first), so a response matched by
school name alone that was read before the first response naming that school's URN
found no school tonight ("unknown school"), and joined it the next night: a rerun with
no new input changed rows. Found by tests/test_properties.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from helpers import TODAY, by_key, config_of, read_tab

from sos_sync.domain.forms import FormKind
from sos_sync.ops.sample import LONDON, forms_timestamp, write_export
from sos_sync.run.sync import run_sync

URN = "141001"
NAME = "Alder Brook Primary School"


def _export(ws: Path, kind: FormKind, rows: list[dict[str, str]]) -> None:
    spec = config_of(ws).forms[kind]
    write_export(ws / "inbox" / spec.inbox_file, spec, rows)


def test_a_school_matched_by_name_is_found_on_the_first_night(empty_workspace: Path) -> None:
    ws = empty_workspace
    codes = [c.code for c in config_of(ws).criteria]
    _export(  # the audit (read before sign-ups) gives a URN one digit short
        ws,
        "audit",
        [
            {
                "_ts": forms_timestamp(dt.datetime(2025, 3, 2, 14, tzinfo=LONDON)),
                "_email": "audit@alder.example.sch.uk",
                "school": NAME,
                "urn": "14100",
                "contact_name": "A. Teacher",
                "contact_email": "audit@alder.example.sch.uk",
                **{f"rating_{c}": "Developing" for c in codes},
            }
        ],
    )
    _export(  # the sign-up, sent later, names the school by its URN and so makes it
        ws,
        "signup",
        [
            {
                "_ts": forms_timestamp(dt.datetime(2025, 3, 5, 9, tzinfo=LONDON)),
                "_email": "staff@alder.example.sch.uk",
                "school": NAME,
                "urn": URN,
                "attendee_name": "Sam Patel",
                "attendee_email": "staff@alder.example.sch.uk",
                "events": "",
            }
        ],
    )
    run_sync(ws, TODAY)
    audits = read_tab(ws, "Audit responses")
    assert [a["URN"] for a in audits] == [URN]
    assert "unknown school" not in str(audits[0]["Status"])
    assert by_key(read_tab(ws, "Schools"), "URN")[URN]["Audit completed"] == dt.datetime(2025, 3, 2)
    assert run_sync(ws, TODAY).writes == 0
