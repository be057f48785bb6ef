"""Generated documents as Google Docs in a Drive folder (SPEC §8), one per key, never duplicated.

A document is the rendered HTML uploaded to Drive and converted to a Google Doc in
`google.documents_folder_id` (`supportsAllDrives`: a service account can only create
files in a shared drive). It carries the app properties `sos_app=sos-sync` and
`sos_key=<key>` (a key too long for Drive's 124 bytes per property is hashed), so one
query finds every document and a rerun finds each again. Replacing one is a media update
of the same file. The fingerprint is the file's `version` as Drive returns it right after
our write: a later version means a person edited the document.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Sequence
from typing import Any

from googleapiclient.http import MediaIoBaseUpload

from sos_sync.backends.base import DocState
from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.retry import GoogleTransient
from sos_sync.config.load import Config

DOC_MIME = "application/vnd.google-apps.document"
KEY_PROPERTY = "sos_key"
APP_PROPERTY = "sos_app"
APP_VALUE = "sos-sync"
FIELDS = "id,name,version,modifiedTime,webViewLink,appProperties"
PROPERTY_LIMIT = 124  # bytes of key + value, UTF-8 (Drive)


def key_value(key: str) -> str:
    """The `sos_key` property value for a key: the key itself, or a hash when too long."""
    if len((KEY_PROPERTY + key).encode("utf-8")) <= PROPERTY_LIMIT:
        return key
    return "h:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def _execute(method: Any, **kwargs: Any) -> Any:
    """Build and send one googleapiclient request (a fresh one on each retry)."""
    return method(**kwargs).execute()


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


class GoogleDocumentStore:
    """The documents sos-sync generated in `google.documents_folder_id`."""

    def __init__(self, config: Config, clients: GoogleClients) -> None:
        self.config = config
        self.clients = clients
        self.folder_id = config.raw.google.documents_folder_id

    @property
    def _share(self) -> str:
        return (
            f"the folder {self.folder_id} as Editor (for a service account: a folder in a "
            "shared drive, with the account as Content manager)"
        )

    def _files(self) -> Any:
        return self.clients.service("drive").files()

    def _query(self, q: str) -> list[dict[str, Any]]:
        files = self._files()
        out: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {
                "q": q,
                "fields": f"nextPageToken,files({FIELDS})",
                "pageSize": 1000,
                "supportsAllDrives": True,
                "includeItemsFromAllDrives": True,
            }
            if token:
                kwargs["pageToken"] = token
            page = self.clients.call(
                files.list(**kwargs).execute,
                f"the documents folder {self.folder_id}",
                self._share,
            )
            out.extend(page.get("files", []))
            token = page.get("nextPageToken")
            if not token:
                return out

    def _find(self, key: str) -> dict[str, Any] | None:
        q = (
            f"appProperties has {{ key='{KEY_PROPERTY}' and value='{_quote(key_value(key))}' }}"
            " and trashed = false"
        )
        found = self._query(q)
        return found[0] if found else None

    @staticmethod
    def _state(key: str, item: dict[str, Any]) -> DocState:
        return DocState(
            key=key,
            link=str(item.get("webViewLink", "")),
            fingerprint=str(item.get("version") or item.get("modifiedTime") or ""),
        )

    def read_documents(self, keys: Sequence[str]) -> dict[str, DocState]:
        """The documents by key (one paged query for all of them); missing keys are absent."""
        wanted = {key_value(k): k for k in keys}
        q = f"appProperties has {{ key='{APP_PROPERTY}' and value='{APP_VALUE}' }} and trashed = false"
        out: dict[str, DocState] = {}
        for item in self._query(q):
            value = (item.get("appProperties") or {}).get(KEY_PROPERTY)
            if value in wanted and wanted[value] not in out:
                out[wanted[value]] = self._state(wanted[value], item)
        return out

    def delete_document(self, key: str) -> None:
        """Move the document for `key` to Drive's bin (a person can restore it for 30 days)."""
        existing = self._find(key)
        if existing is None:
            return
        self.clients.call(
            self._files()
            .update(fileId=existing["id"], body={"trashed": True}, supportsAllDrives=True)
            .execute,
            f"the documents folder {self.folder_id} (document {key})",
            self._share,
        )

    def write_document(self, key: str, title: str, html: str, inputs_hash: str) -> DocState:
        """Create or replace the document for `key`; its state as Drive holds it after the write."""
        files = self._files()
        props = {APP_PROPERTY: APP_VALUE, KEY_PROPERTY: key_value(key)}
        if len(("sos_inputs" + inputs_hash).encode()) <= PROPERTY_LIMIT:
            props["sos_inputs"] = inputs_hash

        def media() -> MediaIoBaseUpload:
            return MediaIoBaseUpload(io.BytesIO(html.encode("utf-8")), "text/html", resumable=False)

        what = f"the documents folder {self.folder_id} (document {key})"
        for _attempt in range(self.clients.policy.tries):
            existing = self._find(key)
            try:
                if existing is not None:
                    item = self.clients.call(
                        functools.partial(
                            _execute,
                            files.update,
                            fileId=existing["id"],
                            body={"name": title, "appProperties": props},
                            media_body=media(),
                            fields=FIELDS,
                            supportsAllDrives=True,
                        ),
                        what,
                        self._share,
                    )
                else:
                    # a create is not idempotent: on a fault, look for it again before retrying
                    item = self.clients.call(
                        lambda: files.create(
                            body={
                                "name": title,
                                "mimeType": DOC_MIME,
                                "parents": [self.folder_id],
                                "appProperties": props,
                            },
                            media_body=media(),
                            fields=FIELDS,
                            supportsAllDrives=True,
                        ).execute(),
                        what,
                        self._share,
                        retry=False,
                    )
            except GoogleTransient:
                if existing is not None:
                    raise  # an update was already retried; it is written next night
                continue
            return self._state(key, item)
        raise GoogleTransient(
            f"Google kept failing while writing the document {key}; it is written next night."
        )
