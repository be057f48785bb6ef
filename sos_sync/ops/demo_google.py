"""`sos-sync demo --backend emulator`: the google backend, end to end, against a local emulator.

The sample workspace (or `--inbox`) is prepared as for the local demo; an emulator whose
world persists in `<out>/emulator-state.json` is seeded with five Google Forms (default
question titles) holding each CSV row as a response, the tracker spreadsheet, a calendar
and a Drive folder; the workspace config points at them (`backend = "google"`,
`google.base_url`). A second call with the same `--out` is a second night: new CSV rows
become new responses, and the sync runs again. Rows whose timestamp Google could never
have written (the demo's "yesterday afternoon") are left out: the Forms API has none.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sos_sync.backends.google.responses import rfc3339
from sos_sync.backends.local.inbox import read_csv_export
from sos_sync.config.edit import set_config
from sos_sync.config.load import CONFIG_NAME, Config, load_config
from sos_sync.domain.forms import FORM_KINDS, FormKind, FormSpec
from sos_sync.domain.report import RunReport
from sos_sync.domain.responses import RawResponse, parse_timestamp, split_checkbox
from sos_sync.emulator import RunningEmulator, start_in_thread
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.emulator.clients import sheets_client
from sos_sync.ops.demo import prepare_demo
from sos_sync.ops.sample import DEMO_LEAD_ENTRIES
from sos_sync.run.sync import run_sync
from sos_sync.tracker.schema import SCHOOLS

STATE_FILE = "emulator-state.json"
CALENDAR_ID = "sos-sync-demo@group.calendar.google.com"


def form_items(spec: FormSpec, labels: tuple[str, ...]) -> list[dict[str, Any]]:
    """A form's questions for the emulator, titled with the configured titles."""
    items: list[dict[str, Any]] = []
    for f in spec.fields:
        item: dict[str, Any] = {"title": f.title, "kind": "text"}
        if f.type == "checkbox":
            item = {"title": f.title, "kind": "checkbox", "options": list(labels)}
        elif f.type == "consent":
            item = {"title": f.title, "kind": "checkbox", "options": ["I agree"], "required": True}
        elif f.type == "choice" and f.choices:
            item = {"title": f.title, "kind": "radio", "options": list(f.choices)}
        elif f.type == "date":
            item = {"title": f.title, "kind": "date"}
        items.append(item)
    return items


def response_body(
    raw: RawResponse, spec: FormSpec, labels: tuple[str, ...]
) -> dict[str, Any] | None:
    """A CSV row as a Forms response (answers by title; checkboxes as lists); None if no time."""
    when = parse_timestamp(raw.submitted_raw)
    if when is None:
        return None
    answers: dict[str, Any] = {}
    for f in spec.fields:
        value = raw.answers.get(f.name, "")
        text = ", ".join(value) if isinstance(value, tuple) else value
        if not text.strip():
            continue
        if f.type == "checkbox":
            known, unknown = split_checkbox(text, labels)
            answers[f.title] = known + unknown
        else:
            answers[f.title] = text
    body: dict[str, Any] = {
        "answers": answers,
        "responseId": "ACYDBN" + raw.response_id.removeprefix("csv-"),
        "lastSubmittedTime": rfc3339(when),
    }
    if raw.email:
        body["respondentEmail"] = raw.email
    return body


def seed_responses(
    emu: RunningEmulator, admin: EmulatorAdmin, config: Config, form_ids: dict[FormKind, str]
) -> int:
    """Add every inbox row the forms do not hold yet; return how many were added."""
    labels = tuple(config.programme.by_label())
    inbox = config.path(config.raw.local.inbox)
    added = 0
    for kind in FORM_KINDS:
        spec = config.forms[kind]
        path = inbox / spec.inbox_file
        if not path.exists():
            continue
        have = set(emu.state.forms[form_ids[kind]]["responses"])
        batch = []
        for raw in read_csv_export(path, spec):
            body = response_body(raw, spec, labels)
            if body is None or body["responseId"] in have:
                continue
            have.add(body["responseId"])
            batch.append(body)
        if batch:
            admin.add_responses(form_ids[kind], batch)
            added += len(batch)
    return added


def seed_world(emu: RunningEmulator, config: Config, lead_entries: bool) -> dict[str, Any]:
    """Forms, spreadsheet, calendar and folder in a new emulator; returns their ids."""
    admin = EmulatorAdmin(emu.base_url)
    labels = tuple(config.programme.by_label())
    form_ids: dict[FormKind, str] = {}
    for kind in FORM_KINDS:
        spec = config.forms[kind]
        form = admin.create_form(
            spec.label, form_items(spec, labels), emailCollectionType="VERIFIED"
        )
        form_ids[kind] = form["formId"]
    book = admin.create_spreadsheet("Schools of Sanctuary tracker", sheets=["Schools"])
    sid = book["spreadsheetId"]
    admin.create_calendar(CALENDAR_ID, "Schools of Sanctuary")
    folder = admin.create_folder("Schools of Sanctuary documents")
    if lead_entries:
        gc = sheets_client(emu.base_url)
        ws = gc.open_by_key(sid).worksheet("Schools")
        cols = {h: i for i, h in enumerate(SCHOOLS.headers)}
        rows: list[list[str]] = [list(SCHOOLS.headers)]
        for urn, entries in DEMO_LEAD_ENTRIES.items():
            row = [""] * len(SCHOOLS.headers)
            row[0] = urn
            for col, value in entries.items():
                row[cols[col]] = value
            rows.append(row)
        ws.update(rows, "A1", value_input_option="USER_ENTERED")  # type: ignore[arg-type]  # as a lead types them
    return {
        "spreadsheet_id": sid,
        "calendar_id": CALENDAR_ID,
        "documents_folder_id": folder["id"],
        "forms": form_ids,
    }


def use_world(workspace: Path, world: dict[str, Any], base_url: str, **google: str) -> Config:
    """Point `workspace` at the forms, sheet, calendar and folder `seed_world` made."""
    values: dict[str, dict[str, str]] = {
        "": {"backend": "google"},
        "google": {
            "spreadsheet_id": world["spreadsheet_id"],
            "calendar_id": world["calendar_id"],
            "documents_folder_id": world["documents_folder_id"],
            "base_url": base_url,
            **google,
        },
    }
    for kind, form_id in world["forms"].items():
        values[f"forms.{kind}"] = {"form_id": form_id}
    set_config(workspace / CONFIG_NAME, values)
    return load_config(workspace)


def run_emulator_demo(out: Path, today: dt.date, inbox: Path | None = None) -> RunReport:
    """One night of the google backend against an emulator persisted in `out`."""
    fresh = not (out / CONFIG_NAME).exists()
    workspace = prepare_demo(out, inbox)
    config = load_config(workspace)
    emu = start_in_thread(workspace / STATE_FILE)
    try:
        admin = EmulatorAdmin(emu.base_url)
        if config.backend != "google" or not config.raw.google.spreadsheet_id:
            world = seed_world(emu, config, lead_entries=fresh and inbox is None)
            use_world(workspace, world, emu.base_url, emulator_state=STATE_FILE)
        else:
            set_config(workspace / CONFIG_NAME, {"google": {"base_url": emu.base_url}})
        config = load_config(workspace)
        form_ids = {k: config.form_settings[k].form_id for k in FORM_KINDS}
        seed_responses(emu, admin, config, form_ids)
        admin.set_google_quotas()  # the night meets Google's limits (its pacer keeps under them)
        return run_sync(workspace, today, config=config)
    finally:
        emu.stop()
