"""Fictional sample data: the demo workspace and the benchmark's generated inbox.

Every school, person and address here is invented (`*.example.sch.uk` domains).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import tomllib
from collections.abc import Iterable, Sequence
from importlib.resources import files
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
    """The demo's five exports: schools at every step and a handful of bad responses.

    The rows are data (`demo_inbox.toml` beside this module), written with the
    workspace's question titles.
    """
    text = (files("sos_sync.ops") / "demo_inbox.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    for kind in FORM_KINDS:
        spec = config.forms[kind]
        write_export(inbox / spec.inbox_file, spec, data.get(kind, []))


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
