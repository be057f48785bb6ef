"""`init --backend google` (prepare_spreadsheet), `doctor`, `auth` and the linked response tab."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import gspread
import pytest
from click.testing import CliRunner
from conftest import Night

from sos_sync.backends.google.auth import load_credentials, save_token, token_path
from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.doctor import doctor
from sos_sync.backends.google.responses import GoogleResponseSource
from sos_sync.backends.google.retry import Pacer
from sos_sync.backends.google.setup import CHOICES, prepare_spreadsheet
from sos_sync.cli.google import auth, doctor_command
from sos_sync.config.load import CONFIG_NAME, load_config
from sos_sync.emulator import RunningEmulator
from sos_sync.emulator.cells import NOT_EMULATED
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.errors import ConfigError
from sos_sync.ops.demo_google import set_config
from sos_sync.tracker.schema import all_tabs


def _clients(ws: Path) -> GoogleClients:
    return GoogleClients(load_config(ws), pacer=Pacer(600, 100))


def test_prepare_spreadsheet_makes_every_tab_once(
    google_ws: Path, admin: EmulatorAdmin, emulator: RunningEmulator, night: Night
) -> None:
    config = load_config(google_ws)
    sid = config.raw.google.spreadsheet_id
    assert prepare_spreadsheet(config, _clients(google_ws)) == 3
    book = emulator.state.spreadsheets[sid]
    sheets = {s["properties"]["title"]: s for s in book["sheets"]}
    tabs = all_tabs(config.forms, [c.code for c in config.criteria])
    assert set(sheets) == {t.name for t in tabs}
    for spec in tabs:
        sheet = sheets[spec.name]
        assert sheet["properties"]["gridProperties"]["frozenRowCount"] == 1
        machine = [c for c in spec.columns if c.owner == "machine"]
        protected = sheet["protectedRanges"]
        assert len(protected) == len(machine)
        assert all(p["warningOnly"] and "editors" not in p for p in protected)
        lists = [
            [v["userEnteredValue"] for v in dv["rule"]["condition"]["values"]]
            for dv in sheet["dataValidations"]
        ]
        wanted = [
            list(CHOICES[c.name]) for c in spec.columns if c.owner == "lead" and c.name in CHOICES
        ]
        assert lists == wanted
    assert ["1", "2", "3", "4", "5"] in [
        [v["userEnteredValue"] for v in dv["rule"]["condition"]["values"]]
        for dv in sheets["Schools"]["dataValidations"]
    ]
    assert sheets["Schools"]["conditionalFormats"]
    assert "CUSTOM_FORMULA" in json.dumps(sheets["Needs review"]["conditionalFormats"])
    chart = sheets["Dashboard"]["charts"][0]["spec"]["basicChart"]
    assert chart["chartType"] == "COLUMN"
    dash = sheets["Dashboard"]["rows"]
    assert [c.get("v") for c in dash[0] if c][3:] == ["Step (chart)", "Schools (chart)"]
    assert dash[1][3]["f"] == '=SORT(FILTER(A2:A, LEFT(A2:A, 5)="Step "))'  # a formula, not text
    assert "VALUE(" in dash[1][4]["f"]
    # functions Google knows (a misspelt one would read `#NAME?`), computed by Google only
    assert dash[1][3]["v"] == dash[1][4]["v"] == NOT_EMULATED
    domain = chart["domains"][0]["domain"]["sourceRange"]["sources"][0]
    assert (domain["startColumnIndex"], domain["startRowIndex"], domain["endRowIndex"]) == (3, 1, 6)
    header = [c.get("v") for c in sheets["EOI responses"]["rows"][0] if c]
    assert header[:3] == ["Response ID", "Submitted", "Email Address"]

    admin.reset_stats()
    assert prepare_spreadsheet(config, _clients(google_ws)) == 0  # idempotent
    assert admin.stats()["writes"] == 0
    first = night(google_ws)
    assert first.ok and first.as_json()["schools"]["created"] > 5


def test_doctor_passes_then_names_what_to_share(google_ws: Path, admin: EmulatorAdmin) -> None:
    config = load_config(google_ws)
    checks = doctor(config, _clients(google_ws))
    assert [c.name for c in checks if not c.ok] == []
    assert {c.name for c in checks} >= {
        "credentials",
        "form eoi",
        "spreadsheet",
        "calendar",
        "documents folder",
    }

    admin.deny(config.raw.google.calendar_id)
    checks = {c.name: c for c in doctor(config, _clients(google_ws))}
    assert not checks["calendar"].ok
    assert config.raw.google.calendar_id in checks["calendar"].detail
    assert "Make changes to events" in checks["calendar"].detail
    admin.clear_faults()

    set_config(
        google_ws / CONFIG_NAME,
        {"forms.catchup.questions": {"topic": "What shall we talk about?"}},
    )
    config = load_config(google_ws)
    checks = {c.name: c for c in doctor(config, _clients(google_ws))}
    assert not checks["form catchup"].ok
    assert "What shall we talk about?" in checks["form catchup"].detail
    result = CliRunner().invoke(doctor_command, ["-w", str(google_ws)])
    assert result.exit_code == 1, result.output
    assert "FAIL" in result.output and "form catchup" in result.output


def test_doctor_explains_service_account_limits(google_ws: Path) -> None:
    (google_ws / "sa.json").write_text(
        json.dumps({"type": "service_account", "client_email": "bot@proj.iam.gserviceaccount.com"}),
        encoding="utf-8",
    )
    set_config(
        google_ws / CONFIG_NAME,
        {"google": {"auth": "service_account", "service_account_file": "sa.json"}},
    )
    config = load_config(google_ws)
    checks = {c.name: c for c in doctor(config, _clients(google_ws))}
    folder = checks["documents folder"]
    assert not folder.ok
    assert "shared drive" in folder.detail and "bot@proj.iam.gserviceaccount.com" in folder.detail
    assert "domain-wide delegation" in checks["calendar attendees"].detail


def test_auth_token_is_kept_private_and_reused(tmp_path: Path, google_ws: Path) -> None:
    from google.oauth2.credentials import Credentials

    creds = Credentials(  # type: ignore[no-untyped-call]
        token="access-123",
        refresh_token="refresh-456",
        client_id="client.apps.googleusercontent.com",
        client_secret="secret",
        token_uri="https://oauth2.googleapis.com/token",
    )
    path = save_token(google_ws, creds)
    assert path == token_path(google_ws)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (path.parent / ".gitignore").read_text() == "*\n"
    set_config(google_ws / CONFIG_NAME, {"google": {"base_url": "", "auth": "oauth"}})
    loaded = load_credentials(load_config(google_ws))
    assert loaded.refresh_token == "refresh-456"
    path.unlink()
    with pytest.raises(ConfigError, match="sos-sync auth login"):
        load_credentials(load_config(google_ws))
    result = CliRunner().invoke(
        auth, ["login", "--client-secrets", str(tmp_path / "missing.json"), "-w", str(google_ws)]
    )
    assert result.exit_code != 0
    assert "refresh-456" not in result.output


def test_linked_response_tab_is_read_with_serial_timestamps(
    google_ws: Path, gc: gspread.Client
) -> None:
    config = load_config(google_ws)
    spec = config.forms["signup"]
    book = gc.open_by_key(config.raw.google.spreadsheet_id)
    ws = book.add_worksheet("Form responses 3", rows=10, cols=12)
    header = ["Timestamp", "Email Address"] + [f.title.upper() for f in spec.fields]
    row = [
        "19/05/2024 14:51:02",
        "a@x.example.sch.uk",
        "Ash Grove Primary School",
        "131001",
        "Priya Shah",
        "p.shah@ashgrove.example.sch.uk",
        "One, Two",
        "",
    ]
    ws.update([header, row], "A1", value_input_option="USER_ENTERED")
    set_config(
        google_ws / CONFIG_NAME,
        {"forms.signup": {"form_id": "", "response_tab": "Form responses 3"}},
    )
    config = load_config(google_ws)
    read = GoogleResponseSource(config, _clients(google_ws)).read_responses()
    assert "signup" not in read.failed
    [response] = read.responses["signup"]
    assert response.submitted_raw == "2024-05-19T13:51:02Z"  # 14:51 BST is 13:51 UTC
    assert response.answers["events"] == "One, Two"
    assert response.answers["urn"] == "131001"
    assert response.email == "a@x.example.sch.uk"
    # a missing question fails that form closed, the others read on
    ws.update_cell(1, 3, "Name of school")
    read = GoogleResponseSource(config, _clients(google_ws)).read_responses()
    assert "School name" in read.failed["signup"]
    assert read.responses["eoi"]


def test_the_first_night_sets_up_a_new_spreadsheet(google_ws: Path, night: Any, gc: Any) -> None:
    """A lead's existing, nearly empty sheet gets every tab, drop-downs and protections."""
    night(google_ws)
    sid = load_config(google_ws).raw.google.spreadsheet_id
    meta = gc.open_by_key(sid).fetch_sheet_metadata(
        {"fields": "sheets(properties,protectedRanges,developerMetadata)"}
    )
    titles = {s["properties"]["title"] for s in meta["sheets"]}
    assert {"Schools", "Needs review", "Run log", "Dashboard", "Reviews"} <= titles
    schools = next(s for s in meta["sheets"] if s["properties"]["title"] == "Schools")
    assert schools["properties"]["gridProperties"].get("frozenRowCount") == 1
    assert schools.get("protectedRanges"), "machine columns are protected (warning only)"
    assert all(p.get("warningOnly") for p in schools["protectedRanges"])
    assert night(google_ws).writes == 0
