"""Fictional sample data: the demo workspace and the benchmark's generated inbox.

Every school, person and address here is invented (`*.example.sch.uk` domains).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Iterable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from sos_sync.config.load import Config
from sos_sync.domain.forms import FORM_KINDS, FormKind, FormSpec

LONDON = ZoneInfo("Europe/London")
DEMO_TODAY = dt.date(2025, 7, 14)


def forms_timestamp(when: dt.datetime) -> str:
    """A Google Forms CSV timestamp: `2024/10/01 3:45:12 PM GMT+1` (plain `GMT` in winter)."""
    local = when.astimezone(LONDON)
    offset = int((local.utcoffset() or dt.timedelta()).total_seconds() // 3600)
    hour = local.hour % 12 or 12
    ampm = "AM" if local.hour < 12 else "PM"
    zone = "GMT" if offset == 0 else f"GMT{offset:+d}"
    return f"{local:%Y/%m/%d} {hour}:{local:%M:%S} {ampm} {zone}"


def _at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=LONDON)


def write_export(
    path: Path, spec: FormSpec, rows: Iterable[dict[str, str]], email: bool = True
) -> None:
    """Write rows (field name -> answer, plus `_ts` and `_email`) as a Forms CSV export."""
    header = ["Timestamp"] + (["Email Address"] if email else []) + [f.title for f in spec.fields]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow(
            [row["_ts"]]
            + ([row.get("_email", "")] if email else [])
            + [row.get(f.name, "") for f in spec.fields]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")


CONSENT = "I agree"


def _eoi(
    day: str,
    school: str,
    urn: str,
    name: str,
    email: str,
    pledge: str = "Yes",
    slt: str = "Yes",
    pledge_date: str = "",
    consent: str = CONSENT,
    hour: int = 10,
) -> dict[str, str]:
    return {
        "_ts": forms_timestamp(_at(day, hour)),
        "_email": email,
        "school": school,
        "urn": urn,
        "contact_name": name,
        "contact_role": "Headteacher",
        "contact_email": email,
        "pledge": pledge,
        "pledge_date": pledge_date,
        "slt": slt,
        "newsletter": "Yes",
        "consent": consent,
    }


def _audit(
    day: str, school: str, urn: str, codes: Sequence[str], ratings: Sequence[str], **notes: str
) -> dict[str, str]:
    row = {
        "_ts": forms_timestamp(_at(day, 14, 5)),
        "_email": f"audit@{urn}.example.sch.uk",
        "school": school,
        "urn": urn,
        "contact_name": "A. Teacher",
        "contact_email": f"audit@{urn}.example.sch.uk",
        **{f"rating_{c}": r for c, r in zip(codes, ratings, strict=False)},
    }
    row.update(notes)
    return row


def _app(day: str, school: str, urn: str, stage: str, notes: str = "") -> dict[str, str]:
    return {
        "_ts": forms_timestamp(_at(day, 16, 20)),
        "_email": f"office@{urn}.example.sch.uk",
        "school": school,
        "urn": urn,
        "contact_email": f"office@{urn}.example.sch.uk",
        "stage": stage,
        "link": f"https://drive.example.org/{urn}/{stage.split()[0].lower()}",
        "notes": notes,
    }


def _signup(
    day: str, school: str, urn: str, events: str, name: str = "Sam Patel"
) -> dict[str, str]:
    return {
        "_ts": forms_timestamp(_at(day, 9, 30)),
        "_email": f"staff@{urn or 'unknown'}.example.sch.uk",
        "school": school,
        "urn": urn,
        "attendee_name": name,
        "attendee_email": f"staff@{urn or 'unknown'}.example.sch.uk",
        "events": events,
        "access_needs": "",
    }


def write_demo_inbox(inbox: Path, config: Config) -> None:
    """The demo's five exports: schools at every step and a handful of bad responses."""
    f = config.forms
    codes = [c.code for c in config.criteria]
    labels = [e.form_label for e in config.programme.events if e.form_label]
    intro, nov_net = labels[0], labels[1]
    good = [
        "Established",
        "Developing",
        "Embedded",
        "Developing",
        "Not started",
        "Established",
        "Developing",
        "Established",
    ]
    eoi = [
        _eoi(
            "2025-06-20",
            "Ash Grove Primary School",
            "131001",
            "Priya Shah",
            "p.shah@ashgrove.example.sch.uk",
            "Not yet – planning to",
            "In progress",
        ),
        _eoi(
            "2024-10-03",
            "Brookfield CE Primary School",
            "131002",
            "Tom Hughes",
            "head@brookfield.example.sch.uk",
        ),
        _eoi(
            "2024-09-25",
            "Canal Side Academy",
            "131003",
            "Grace Obi",
            "g.obi@canalside.example.sch.uk",
            pledge_date="12/09/2024",
        ),
        _eoi(
            "2024-09-18",
            "St Mary's RC Primary School",
            "131004",
            "Ewa Nowak",
            "e.nowak@stmarys.example.sch.uk",
        ),
        _eoi(
            "2024-09-12",
            "Daffodil Lane Infant School",
            "131005",
            "Ian Reid",
            "office@daffodil.example.sch.uk",
        ),
        _eoi(
            "2024-02-05",
            "Elmwood Secondary School",
            "131006",
            "Ana Costa",
            "a.costa@elmwood.example.sch.uk",
        ),
        _eoi(
            "2023-11-20",
            "Foxhill Junior School",
            "131007",
            "Ben Clarke",
            "b.clarke@foxhill.example.sch.uk",
        ),
        _eoi(
            "2021-05-10",
            "Greenway Primary School",
            "131008",
            "Mo Ahmed",
            "m.ahmed@greenway.example.sch.uk",
        ),
        _eoi(
            "2024-10-02",
            "Hillcrest Primary School",
            "131009",
            "Jo Evans",
            "j.evans@hillcrest.example.sch.uk",
            "No",
            "In progress",
        ),
        _eoi(
            "2025-05-02",
            "Holy Trinity CE Primary School",
            "131013",
            "Kate Lin",
            "k.lin@htce.example.sch.uk",
            "Not yet – planning to",
            "Yes",
        ),
        _eoi(
            "2025-05-06",
            "Holy Trinity Catholic Primary School",
            "131014",
            "Luis Moreno",
            "l.moreno@htrc.example.sch.uk",
            "Not yet – planning to",
            "Yes",
        ),
        # bad or odd responses, each a lesson for the leads
        _eoi(
            "2025-06-22",
            "Ash Grove Primary",
            "13100",
            "Priya Shah",
            "p.shah@ashgrove.example.sch.uk",
            "Yes",
            "Yes",
            "21/06/2025",
        ),
        _eoi(
            "2025-07-01",
            "Juniper Park Primary School",
            "131015",
            "Noor Ali",
            "n.ali@juniper.example.sch.uk",
            consent="",
        ),
        _eoi("2025-07-02", "Kingfisher Primary School", "131010", "Ola Ade", "head@kingfisher"),
        _eoi(
            "2025-07-03",
            '=HYPERLINK("https://evil.example","Click me")',
            "131011",
            "Not A Person",
            "x@evil.example",
        ),
    ]
    audits = [
        _audit(
            "2024-11-14",
            "Canal Side Academy",
            "131003",
            codes,
            good,
            notes_learn="Staff INSET on sanctuary, Nov 2024.",
        ),
        _audit("2024-11-20", "St Mary's RC Primary School", "131004", codes, good),
        _audit("2024-10-30", "Daffodil Lane Infant School", "131005", codes, good),
        _audit("2024-03-11", "Elmwood Secondary School", "131006", codes, ["Embedded"] * 8),
        _audit("2024-01-15", "Foxhill Junior School", "131007", codes, ["Embedded"] * 8),
        _audit("2021-06-01", "Greenway Primary School", "131008", codes, ["Established"] * 8),
        _audit(
            "2025-02-03",
            "Brookfield CE Primary School",
            "131002",
            codes,
            good[:1] + ["Sometimes"] + good[2:],
            notes_embed="{{ contact_email }} and {% for x in y %} are literal text here.",
        ),
    ]
    apps = [
        _app("2025-01-20", "St Mary's RC Primary School", "131004", "Action plan"),
        _app("2025-01-10", "Daffodil Lane Infant School", "131005", "Action plan"),
        _app("2025-06-30", "Daffodil Lane Infant School", "131005", "Draft application"),
        _app("2024-06-14", "Elmwood Secondary School", "131006", "Action plan"),
        _app("2025-03-03", "Elmwood Secondary School", "131006", "Draft application"),
        _app("2025-05-19", "Elmwood Secondary School", "131006", "Final application and portfolio"),
        _app("2025-03-01", "Foxhill Junior School", "131007", "Final application and portfolio"),
        _app("2025-04-02", "Oak Tree Academy", "131003", "Action plan"),  # URN of another school
    ]
    signups = [
        _signup("2024-09-20", "Canal Side Academy", "131003", f"{intro}, {nov_net}"),
        _signup("2024-09-21", "St Mary's RC Primary School", "131004", intro),
        _signup("2024-09-22", "Daffodil Lane Infant School", "131005", f"{intro}, Summer picnic"),
        _signup(
            "2024-09-22", "Daffodil Lane Infant School", "131005", f"{intro}, Summer picnic"
        ),  # exact duplicate
        _signup("2024-10-15", "Larkspur Academy", "131099", nov_net),
    ]
    bad_ts = dict(signups[1], _ts="yesterday afternoon", attendee_name="Rae Kim")
    signups.append(bad_ts)
    catchups = [
        {
            "_ts": forms_timestamp(_at("2025-07-08", 11)),
            "_email": "office@holytrinity.example.sch.uk",
            "school": "Holy Trinity Primary",
            "urn": "",
            "contact_name": "Pat Doyle",
            "contact_email": "office@holytrinity.example.sch.uk",
            "topic": "Audit",
            "preferred_dates": "Any Tuesday after 3:30",
        },
        {
            "_ts": forms_timestamp(_at("2025-07-09", 15)),
            "_email": "e.nowak@stmarys.example.sch.uk",
            "school": "St Marys R.C. Primary",
            "urn": "",
            "contact_name": "Ewa Nowak",
            "contact_email": "e.nowak@stmarys.example.sch.uk",
            "topic": "Application",
            "preferred_dates": "Week of 21 July",
        },
    ]
    data: dict[FormKind, list[dict[str, str]]] = {
        "eoi": eoi,
        "audit": audits,
        "signup": signups,
        "application": apps,
        "catchup": catchups,
    }
    for kind in FORM_KINDS:
        write_export(inbox / f[kind].inbox_file, f[kind], data[kind])


# What leads had typed in the tracker before the demo night (lead columns only).
DEMO_LEAD_ENTRIES = {
    "131006": {"School": "Elmwood Secondary School", "Panel date": "2025-06-24", "Lead": "Amanda"},
    "131007": {
        "School": "Foxhill Junior School",
        "Panel date": "2025-05-20",
        "Visit date": "2025-06-05",
        "Awarded on": "2025-06-27",
        "Lead": "Michelle",
    },
    "131008": {
        "School": "Greenway Primary School",
        "Awarded on": "2022-07-20",
        "Lead": "Michelle",
        "Notes": "Renewal meeting pencilled for September.",
    },
}


# ---------------------------------------------------------------- benchmark data

_PARTS_A = [
    "Ash",
    "Birch",
    "Cedar",
    "Elm",
    "Hazel",
    "Oak",
    "Rowan",
    "Willow",
    "Maple",
    "Holly",
    "Alder",
    "Aspen",
]
_PARTS_B = [
    "Grove",
    "Lane",
    "Park",
    "Hill",
    "Field",
    "Brook",
    "Meadow",
    "Green",
    "Vale",
    "Road",
    "Bank",
    "Cross",
]
_KINDS = [
    "Primary School",
    "CE Primary School",
    "Academy",
    "Junior School",
    "Infant School",
    "Secondary School",
]


def generate_inbox(
    inbox: Path, config: Config, schools: int, responses: int, seed: int = 7
) -> None:
    """A large fictional inbox: `schools` schools and about `responses` responses in all."""
    rng = random.Random(seed)
    names: list[tuple[str, str]] = []
    for i in range(schools):
        a, b, k = _PARTS_A[i % 12], _PARTS_B[(i // 12) % 12], _KINDS[(i // 144) % 6]
        names.append(
            (f"{200000 + i}", f"{a} {b} {k} No. {i // 864 + 1}" if i >= 864 else f"{a} {b} {k}")
        )
    codes = [c.code for c in config.criteria]
    labels = [e.form_label for e in config.programme.events if e.form_label]
    start = dt.datetime(2024, 9, 2, 9, tzinfo=LONDON)
    data: dict[FormKind, list[dict[str, str]]] = {k: [] for k in FORM_KINDS}
    for urn, name in names:
        d = start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 200))
        data["eoi"].append(
            _eoi(
                d.date().isoformat(),
                name,
                urn,
                "Sam Smith",
                f"head@{urn}.example.sch.uk",
                rng.choice(["Yes", "No", "Not yet – planning to"]),
                rng.choice(["Yes", "In progress"]),
                hour=9 + rng.randrange(8),
            )
        )
    remaining = responses - schools
    weights: list[tuple[FormKind, int]] = [
        ("audit", 3),
        ("signup", 4),
        ("application", 2),
        ("catchup", 1),
    ]
    pool: list[FormKind] = [k for k, w in weights for _ in range(w)]
    for n in range(remaining):
        kind: FormKind = rng.choice(pool)
        urn, name = names[rng.randrange(schools)]
        d = start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 300) + n % 59)
        day = d.date().isoformat()
        if kind == "audit":
            row = _audit(
                day,
                name,
                urn,
                codes,
                [
                    rng.choice(["Not started", "Developing", "Established", "Embedded"])
                    for _ in codes
                ],
                notes_learn="Evidence " * rng.randrange(1, 40),
            )
        elif kind == "signup":
            row = _signup(day, name, urn, ", ".join(rng.sample(labels, rng.randrange(1, 3))))
        elif kind == "application":
            row = _app(
                day,
                name,
                urn,
                rng.choice(["Action plan", "Draft application", "Final application and portfolio"]),
            )
        else:
            row = {
                "_ts": "",
                "_email": f"office@{urn}.example.sch.uk",
                "school": name,
                "urn": urn,
                "contact_name": "Office",
                "contact_email": f"office@{urn}.example.sch.uk",
                "topic": rng.choice(["Audit", "Action plan", "Application", "Other"]),
                "preferred_dates": "Tuesdays",
            }
        row["_ts"] = forms_timestamp(d + dt.timedelta(seconds=n % 60))
        data[kind].append(row)
    for kind in FORM_KINDS:
        write_export(inbox / config.forms[kind].inbox_file, config.forms[kind], data[kind])
