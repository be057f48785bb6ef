"""The traps of google-apis.md that are easiest to get wrong, each shown with the real clients."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import gspread
import pytest
from google.auth.exceptions import RefreshError
from google.oauth2 import service_account
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload

from sos_sync.emulator import RunningEmulator
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.emulator.clients import sheets_client

DOC = "application/vnd.google-apps.document"


def test_long_get_becomes_post_with_method_override(admin: EmulatorAdmin, sheets_api: Any) -> None:
    admin.create_spreadsheet("T", "s1", sheets=["A rather long tab name for the linked responses"])
    ranges = [f"'A rather long tab name for the linked responses'!A{n}" for n in range(1, 80)]
    reply = sheets_api.spreadsheets().values().batchGet(spreadsheetId="s1", ranges=ranges).execute()
    assert len(reply["valueRanges"]) == 79
    log = admin.log()
    assert log[-1]["method"] == "sheets.spreadsheets.values.batchGet"
    assert log[-1]["httpMethod"] == "GET" and not log[-1]["write"]  # a read, whatever the verb


def test_linked_sheet_timestamps_read_as_serials(admin: EmulatorAdmin, gc: gspread.Client) -> None:
    admin.create_spreadsheet("Responses", "s1", sheets=["Form responses 1"])
    ws = gc.open_by_key("s1").worksheet("Form responses 1")
    ws.update([["Timestamp", "School URN"], ["19/05/2024 14:51:02", "0123"]], "A1", raw=False)
    assert ws.get_all_values()[1] == ["19/05/2024 14:51:02", "123"]
    serial = ws.get_all_values(
        value_render_option="UNFORMATTED_VALUE", date_time_render_option="SERIAL_NUMBER"
    )[1][0]
    assert serial == pytest.approx(45431 + (14 * 3600 + 51 * 60 + 2) / 86400)
    text = ws.get_all_values(
        value_render_option="UNFORMATTED_VALUE", date_time_render_option="FORMATTED_STRING"
    )[1][0]
    assert text == "19/05/2024 14:51:02"


def test_a_file_has_one_parent(admin: EmulatorAdmin, drive: Any) -> None:
    first = admin.create_folder("One")["id"]
    second = admin.create_folder("Two")["id"]
    made = drive.files().create(body={"name": "Doc", "mimeType": DOC, "parents": [first]}).execute()
    with pytest.raises(HttpError) as caught:
        drive.files().update(fileId=made["id"], addParents=second).execute()
    assert caught.value.status_code == 403
    assert json.loads(caught.value.content)["error"]["errors"][0]["reason"] == "cannotAddParent"


def test_multipart_update_replaces_metadata_and_content(
    admin: EmulatorAdmin, drive: Any, docs: Any
) -> None:
    made = (
        drive.files()
        .create(
            body={"name": "Letter", "mimeType": DOC},
            media_body=MediaIoBaseUpload(io.BytesIO(b"first"), mimetype="text/plain"),
        )
        .execute()
    )
    drive.files().update(
        fileId=made["id"],
        body={"name": "Letter v2", "appProperties": {"v": "2"}},
        media_body=MediaIoBaseUpload(io.BytesIO(b"line one\nline two"), mimetype="text/plain"),
    ).execute()
    doc = docs.documents().get(documentId=made["id"]).execute()
    assert doc["title"] == "Letter v2"
    texts = [
        c["paragraph"]["elements"][0]["textRun"]["content"] for c in doc["body"]["content"][1:]
    ]
    assert texts == ["line one\n", "line two\n"]


def test_service_account_flow_through_the_token_endpoint(
    admin: EmulatorAdmin, emulator: RunningEmulator, tmp_path: Path
) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "emu",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": "sos-sync@emu.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": f"{emulator.base_url}/token",
    }
    credentials = service_account.Credentials.from_service_account_info(
        info, scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    admin.create_spreadsheet("T", "s1")
    gc = sheets_client(emulator.base_url, auth=credentials)
    assert gc.open_by_key("s1").title == "T"
    assert credentials.token == "emulator-token"


def test_a_401_only_when_a_fault_asks_and_then_it_is_not_an_api_error(
    admin: EmulatorAdmin, gc: gspread.Client
) -> None:
    admin.create_spreadsheet("T", "s1")
    admin.fail_next(1, 401, api="sheets")
    with pytest.raises(RefreshError):  # google-auth tries to refresh a bare token and cannot
        gc.open_by_key("s1")
    assert gc.open_by_key("s1").title == "T"
