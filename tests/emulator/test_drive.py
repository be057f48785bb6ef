"""Drive v3 through googleapiclient: files, q, fields, paging, uploads, copies, permissions, shared drives."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload

from sos_sync.emulator.client import EmulatorAdmin

DOC = "application/vnd.google-apps.document"


def _reason(error: HttpError) -> str:
    return str(json.loads(error.content)["error"]["errors"][0]["reason"])


@pytest.fixture
def folder(admin: EmulatorAdmin) -> str:
    return str(admin.create_folder("Feedback", folder_id="folder-feedback")["id"])


def test_create_returns_four_fields_unless_asked(drive: Any, folder: str) -> None:
    plain = drive.files().create(body={"name": "A", "mimeType": DOC, "parents": [folder]}).execute()
    assert set(plain) == {"kind", "id", "name", "mimeType"}
    rich = (
        drive.files()
        .create(
            body={
                "name": "B",
                "mimeType": DOC,
                "parents": [folder],
                "appProperties": {"sos_id": "42"},
            },
            fields="id,name,webViewLink,parents,appProperties",
            supportsAllDrives=True,
        )
        .execute()
    )
    assert set(rich) == {"id", "name", "webViewLink", "parents", "appProperties"}
    assert rich["parents"] == [folder] and rich["webViewLink"].startswith(
        "https://docs.google.com/document/d/"
    )


def test_queries(drive: Any, folder: str) -> None:
    files = drive.files()
    files.create(
        body={
            "name": "Audit feedback – Hill",
            "mimeType": DOC,
            "parents": [folder],
            "appProperties": {"sos_id": "audit-100001"},
        }
    ).execute()
    files.create(
        body={
            "name": "Award letter – Hill",
            "mimeType": DOC,
            "appProperties": {"sos_id": "award-100001"},
        }
    ).execute()

    def names(q: str) -> list[str]:
        reply = files.list(
            q=q,
            fields="nextPageToken, files(id,name,appProperties)",
            supportsAllDrives=True,
            includeItemsFromAllDrives=True,
        ).execute()
        return sorted(f["name"] for f in reply.get("files", []))

    assert names(
        "appProperties has { key='sos_id' and value='audit-100001' } and trashed = false"
    ) == ["Audit feedback – Hill"]
    assert names(f"'{folder}' in parents") == ["Audit feedback – Hill"]
    assert names('name = "Award letter – Hill"') == ["Award letter – Hill"]
    assert names(
        "name contains 'hill' and not mimeType = 'application/vnd.google-apps.folder'"
    ) == ["Audit feedback – Hill", "Award letter – Hill"]
    assert names("mimeType = 'application/vnd.google-apps.folder' or name = 'x'") == ["Feedback"]
    for bad in [
        "appProperties has { key='sos_id' }",
        "name = ",
        "colour = 'red'",
        "name = 'unterminated",
    ]:
        with pytest.raises(HttpError) as caught:
            files.list(q=bad).execute()
        assert caught.value.status_code == 400, bad


def test_paging(drive: Any, admin: EmulatorAdmin) -> None:
    for n in range(5):
        admin.create_folder(f"F{n}")
    request = drive.files().list(pageSize=2, fields="nextPageToken, files(id)")
    sizes = []
    while request is not None:
        reply = request.execute()
        sizes.append(len(reply["files"]))
        request = drive.files().list_next(request, reply)
    assert sizes == [2, 2, 1]
    with pytest.raises(HttpError):
        drive.files().list(pageSize=1001).execute()


def test_get_patch_move_delete(drive: Any, folder: str, admin: EmulatorAdmin) -> None:
    other = admin.create_folder("Archive")["id"]
    made = (
        drive.files()
        .create(
            body={
                "name": "Doc",
                "mimeType": DOC,
                "parents": [folder],
                "appProperties": {"a": "1", "b": "2"},
            }
        )
        .execute()
    )
    patched = (
        drive.files()
        .update(
            fileId=made["id"],
            addParents=other,
            removeParents=folder,
            body={"name": "Renamed", "appProperties": {"a": None, "c": "3"}},
            fields="name,parents,appProperties",
        )
        .execute()
    )
    assert patched == {"name": "Renamed", "parents": [other], "appProperties": {"b": "2", "c": "3"}}
    assert drive.files().get(fileId=made["id"]).execute()["name"] == "Renamed"
    drive.files().delete(fileId=made["id"]).execute()
    with pytest.raises(HttpError) as caught:
        drive.files().get(fileId=made["id"]).execute()
    assert caught.value.status_code == 404 and _reason(caught.value) == "notFound"


def test_html_upload_becomes_a_doc_and_media_update_replaces_it(
    drive: Any, docs: Any, folder: str
) -> None:
    html = "<html><body><h1>Audit feedback</h1><p>Hill Primary &amp; friends</p><ul><li>L1</li></ul></body></html>"
    made = (
        drive.files()
        .create(
            body={"name": "Audit feedback", "mimeType": DOC, "parents": [folder]},
            media_body=MediaIoBaseUpload(io.BytesIO(html.encode()), mimetype="text/html"),
            fields="id,mimeType",
        )
        .execute()
    )
    assert made["mimeType"] == DOC
    doc = docs.documents().get(documentId=made["id"]).execute()
    paragraphs = [c["paragraph"] for c in doc["body"]["content"] if "paragraph" in c]
    texts = [p["elements"][0]["textRun"]["content"] for p in paragraphs]
    assert texts == ["Audit feedback\n", "Hill Primary & friends\n", "L1\n"]
    assert paragraphs[0]["paragraphStyle"]["namedStyleType"] == "HEADING_1"
    assert "bullet" in paragraphs[2]
    drive.files().update(
        fileId=made["id"],
        media_body=MediaIoBaseUpload(io.BytesIO(b"<p>Second version</p>"), mimetype="text/html"),
    ).execute()
    doc = docs.documents().get(documentId=made["id"]).execute()
    assert (
        doc["body"]["content"][1]["paragraph"]["elements"][0]["textRun"]["content"]
        == "Second version\n"
    )


def test_copy_template(drive: Any, docs: Any, folder: str) -> None:
    template = docs.documents().create(body={"title": "Template"}).execute()
    docs.documents().batchUpdate(
        documentId=template["documentId"],
        body={"requests": [{"insertText": {"location": {"index": 1}, "text": "Dear {{school}}"}}]},
    ).execute()
    copied = (
        drive.files()
        .copy(
            fileId=template["documentId"],
            body={"name": "Letter", "parents": [folder], "appProperties": {"sos_id": "letter-1"}},
            fields="id,name,parents,appProperties",
            supportsAllDrives=True,
        )
        .execute()
    )
    assert copied["parents"] == [folder] and copied["appProperties"] == {"sos_id": "letter-1"}
    text = docs.documents().get(documentId=copied["id"]).execute()["body"]["content"][1]
    assert text["paragraph"]["elements"][0]["textRun"]["content"] == "Dear {{school}}\n"
    with pytest.raises(HttpError) as caught:
        drive.files().copy(fileId="missing", body={}).execute()
    assert caught.value.status_code == 404


def test_permissions(drive: Any, folder: str) -> None:
    made = drive.files().create(body={"name": "Doc", "mimeType": DOC}).execute()
    perm = (
        drive.permissions()
        .create(
            fileId=made["id"],
            sendNotificationEmail=False,
            supportsAllDrives=True,
            body={"type": "user", "role": "writer", "emailAddress": "head@hill.sch.uk"},
        )
        .execute()
    )
    assert perm == {"kind": "drive#permission", "id": perm["id"], "type": "user", "role": "writer"}
    listed = (
        drive.permissions()
        .list(fileId=made["id"], fields="permissions(emailAddress,role)")
        .execute()
    )
    assert {"emailAddress": "head@hill.sch.uk", "role": "writer"} in listed["permissions"]
    with pytest.raises(HttpError) as caught:
        drive.permissions().create(
            fileId=made["id"], body={"type": "user", "role": "writer"}
        ).execute()
    assert caught.value.status_code == 400
    with pytest.raises(HttpError):
        drive.permissions().create(
            fileId="missing", body={"type": "anyone", "role": "reader"}
        ).execute()


def test_shared_drives_need_the_flags(drive: Any, admin: EmulatorAdmin) -> None:
    shared = admin.create_shared_drive("SoS", drive_id="0ASharedDrive01")
    inside = admin.create_folder("Docs", parents=[shared["id"]])
    made = (
        drive.files()
        .create(
            body={"name": "Doc", "mimeType": DOC, "parents": [inside["id"]]},
            supportsAllDrives=True,
            fields="id,driveId",
        )
        .execute()
    )
    assert made["driveId"] == "0ASharedDrive01"
    with pytest.raises(HttpError) as hidden:
        drive.files().get(fileId=made["id"]).execute()
    assert hidden.value.status_code == 404
    assert (
        drive.files().get(fileId=made["id"], supportsAllDrives=True).execute()["id"] == made["id"]
    )
    assert drive.files().list(q="name = 'Doc'").execute()["files"] == []
    listed = (
        drive.files()
        .list(
            q="name = 'Doc'",
            corpora="drive",
            driveId="0ASharedDrive01",
            includeItemsFromAllDrives=True,
            supportsAllDrives=True,
        )
        .execute()
    )
    assert [f["id"] for f in listed["files"]] == [made["id"]]


def test_service_accounts_have_no_storage(drive: Any, docs: Any, admin: EmulatorAdmin) -> None:
    admin.set_service_account(True)
    with pytest.raises(HttpError) as caught:
        drive.files().create(body={"name": "Doc", "mimeType": DOC}).execute()
    assert caught.value.status_code == 403 and _reason(caught.value) == "storageQuotaExceeded"
    with pytest.raises(HttpError):
        docs.documents().create(body={"title": "x"}).execute()
    shared = admin.create_shared_drive("SoS")
    ok = (
        drive.files()
        .create(
            body={"name": "Doc", "mimeType": DOC, "parents": [shared["id"]]}, supportsAllDrives=True
        )
        .execute()
    )
    assert ok["id"]
    folder = (
        drive.files()
        .create(body={"name": "F", "mimeType": "application/vnd.google-apps.folder"})
        .execute()
    )
    assert folder["id"]  # folders use no storage
