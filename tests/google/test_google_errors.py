"""403 and 404 keep distinct plain messages: 403 says what to share with whom, 404 that the id
is wrong or the item deleted (on the emulator, through the real clients)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY, fast_policy

from sos_sync.backends.google.backend import GoogleBackend
from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.documents import GoogleDocumentStore
from sos_sync.backends.google.retry import Pacer
from sos_sync.config.load import CONFIG_NAME, load_config
from sos_sync.emulator.client import EmulatorAdmin
from sos_sync.errors import Permanent
from sos_sync.ops.demo_google import set_config
from sos_sync.run.sync import run_sync


def _failure(ws: Path) -> str:
    config = load_config(ws)
    backend = GoogleBackend(config, policy=fast_policy(), pacer=Pacer(600, 100))
    with pytest.raises(Permanent) as caught:
        run_sync(ws, TODAY, backend=backend, config=config)
    return str(caught.value)


def test_a_private_sheet_says_what_to_share_with_whom(
    google_ws: Path, admin: EmulatorAdmin
) -> None:
    sid = load_config(google_ws).raw.google.spreadsheet_id
    admin.make_private(sid)
    message = _failure(google_ws)
    assert " 403 " in message
    assert f"share the spreadsheet {sid} as Editor with" in message
    assert "wrong" not in message and "deleted" not in message


def test_a_mistyped_sheet_id_says_the_id_is_wrong_or_deleted(
    google_ws: Path, admin: EmulatorAdmin
) -> None:
    set_config(google_ws / CONFIG_NAME, {"google": {"spreadsheet_id": "1NoSuchSheetXyz"}})
    message = _failure(google_ws)
    assert " 404 " in message
    assert "the id in sos-sync.toml is wrong or the item was deleted" in message
    assert "share the spreadsheet" not in message


def test_a_documents_folder_that_is_gone_is_a_404_not_a_sharing_hint(
    google_ws: Path, admin: EmulatorAdmin
) -> None:
    set_config(google_ws / CONFIG_NAME, {"google": {"documents_folder_id": "noSuchFolder"}})
    config = load_config(google_ws)
    store = GoogleDocumentStore(config, GoogleClients(config, pacer=Pacer(600, 100)))
    with pytest.raises(Permanent) as caught:
        store.write_document("award_letter:1", "Award letter", "<p>Hi</p>", "h")
    message = str(caught.value)
    assert " 404 " in message and "wrong or the item was deleted" in message
