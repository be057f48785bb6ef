"""Generated documents as Google Docs in a Drive folder (SPEC §8), one per key, never duplicated.

A document is the rendered .docx uploaded to Drive and converted to a Google Doc in
`google.documents_folder_id` (`supportsAllDrives`: a service account can only create
files in a shared drive). It carries the app properties `sos_app=sos-sync` and
`sos_key=<key>` (a key too long for Drive's 124 bytes per property is hashed), so one
query at the start of the night finds every document; writes use that listing (no lookup
per document). Replacing one is a media update of the same file. What is uploaded is the
rendered .docx (Drive converts it); the PDF copy is Drive's export (`files.export`).

A person edited a document when its text is no longer the text Drive held right after our
write. Drive's `version` moves on every change, "even those not visible to the user", and
`modifiedTime` may too, so neither decides alone: right after each write the Doc's text
(Drive's `text/plain` export) is hashed and the hash kept with the file (app property
`sos_text`) and in the fingerprint, `mt:<modifiedTime>;tx:<hash>`. While `modifiedTime` is
where we left it nothing is read; once it moved, the text is exported again (once a night,
only for such a document) and only a different hash counts as a person's edit.
Fingerprints recorded by earlier releases (the bare `version`, or `mt:` without `tx:`) are
still accepted, and replaced by the new form when they match.

A create is not idempotent: when its reply is lost, or Drive refused it for its rate limit
(such a refusal has been seen to let the create through), the document is looked up by
key before the create is sent again. Two documents found for one key (a create that
landed twice anyway): the newest, the one whose reply the sync got, is kept; the others
are reported.

A night writes `[google] document_workers` documents at once (`writers.write_at_once`;
1: one after another). Each worker thread has its own Drive service (`clients.service`);
the night's listing is read before they start, and each write changes only its own key.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from googleapiclient.http import MediaIoBaseUpload

from sos_sync.backends.base import DocState, DocumentWrite, DocumentWrites, write_in_turn
from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.retry import GoogleTransient
from sos_sync.backends.google.writers import write_at_once
from sos_sync.config.load import Config

DOC_MIME = "application/vnd.google-apps.document"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KEY_PROPERTY = "sos_key"
APP_PROPERTY = "sos_app"
APP_VALUE = "sos-sync"
FIELDS = "id,name,version,createdTime,modifiedTime,webViewLink,appProperties"
FINGERPRINT = "mt:"  # + modifiedTime; an earlier release recorded the bare `version`
TEXT_MARK = ";tx:"  # + the hash of the Doc's text right after our write
TEXT_PROPERTY = "sos_text"
TEXT_MIME = "text/plain"
PROPERTY_LIMIT = 124  # bytes of key + value, UTF-8 (Drive)


def key_value(key: str) -> str:
    """The `sos_key` property value for a key: the key itself, or a hash when too long."""
    if len((KEY_PROPERTY + key).encode("utf-8")) <= PROPERTY_LIMIT:
        return key
    return "h:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def _execute(method: Any, **kwargs: Any) -> Any:
    """Build and send one googleapiclient request (a fresh one on each retry)."""
    return method(**kwargs).execute()


def _media(docx: bytes) -> MediaIoBaseUpload:
    """The rendered .docx; Drive converts it into the Google Doc."""
    return MediaIoBaseUpload(io.BytesIO(docx), DOCX_MIME, resumable=False)


def text_hash(exported: bytes) -> str:
    """The hash of a Doc's text as Drive exports it (byte-order mark, line ends and trailing
    blanks aside, which say nothing about a person's edit)."""
    text = exported.decode("utf-8", "replace").lstrip("\ufeff").replace("\r\n", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return hashlib.sha256("\n".join(lines).strip().encode("utf-8")).hexdigest()[:40]


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


@dataclasses.dataclass(frozen=True)
class GoogleDocState(DocState):
    """A Google Doc's state: its fingerprint is `mt:<modifiedTime>;tx:<text hash>`; `version`
    is kept to recognise a fingerprint an earlier release recorded; `read_text_hash` exports
    the Doc's text now (asked only once `modifiedTime` moved)."""

    version: str = ""
    modified: str = ""
    read_text_hash: Callable[[], str] | None = dataclasses.field(default=None, compare=False)

    def unchanged_since(self, recorded: str | None) -> bool:
        if not recorded:
            return False
        if not recorded.startswith(FINGERPRINT):
            return recorded == self.version  # recorded by an earlier release: Drive's version
        if recorded == self.fingerprint:
            return True
        stamp, _, recorded_hash = recorded.partition(TEXT_MARK)
        if stamp == FINGERPRINT + self.modified:
            return True  # the same modifiedTime: nothing happened to the file
        if not recorded_hash or self.read_text_hash is None:
            return False  # recorded before text hashes: a moved modifiedTime is an edit
        return self.read_text_hash() == recorded_hash


def _newest_first(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        items, key=lambda i: (str(i.get("createdTime", "")), str(i.get("id", ""))), reverse=True
    )


class GoogleDocumentStore:
    """The documents sos-sync generated in `google.documents_folder_id`."""

    def __init__(self, config: Config, clients: GoogleClients) -> None:
        self.config = config
        self.clients = clients
        self.folder_id = config.raw.google.documents_folder_id
        self._by_key: dict[str, list[dict[str, Any]]] | None = None
        self._text_hashes: dict[str, str] = {}
        self._lock = threading.Lock()  # the listing and text hashes, shared by the writers

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

    def _find(self, key: str) -> list[dict[str, Any]]:
        """Every document with this key, asked of Drive now (only after a create's reply was lost)."""
        q = (
            f"appProperties has {{ key='{KEY_PROPERTY}' and value='{_quote(key_value(key))}' }}"
            " and trashed = false"
        )
        return self._query(q)

    def _listing(self) -> dict[str, list[dict[str, Any]]]:
        """The night's listing of every document sos-sync made, by `sos_key` value (one query)."""
        if self._by_key is None:
            q = (
                f"appProperties has {{ key='{APP_PROPERTY}' and value='{APP_VALUE}' }}"
                " and trashed = false"
            )
            by_key: dict[str, list[dict[str, Any]]] = {}
            for item in self._query(q):
                value = (item.get("appProperties") or {}).get(KEY_PROPERTY)
                if value:
                    by_key.setdefault(str(value), []).append(item)
            self._by_key = by_key
        return self._by_key

    def _state(self, key: str, items: Sequence[dict[str, Any]]) -> GoogleDocState:
        kept, *others = _newest_first(items)
        modified = str(kept.get("modifiedTime", ""))
        sealed = str((kept.get("appProperties") or {}).get(TEXT_PROPERTY, ""))
        return GoogleDocState(
            key=key,
            link=str(kept.get("webViewLink", "")),
            fingerprint=FINGERPRINT + modified + (TEXT_MARK + sealed if sealed else ""),
            duplicates=tuple(str(o.get("webViewLink") or o.get("id", "")) for o in others),
            version=str(kept.get("version", "")),
            modified=modified,
            read_text_hash=functools.partial(self._text_hash, key, str(kept.get("id", ""))),
        )

    def _text_hash(self, key: str, file_id: str) -> str:
        """The hash of the Doc's text as Drive exports it now (once a night per document)."""
        if file_id not in self._text_hashes:
            export = functools.partial(
                _execute, self._files().export, fileId=file_id, mimeType=TEXT_MIME
            )
            text = self.clients.call(export, self._what(key), self._share)
            with self._lock:
                self._text_hashes[file_id] = text_hash(bytes(text))
        return self._text_hashes[file_id]

    def read_documents(self, keys: Sequence[str]) -> dict[str, DocState]:
        """The documents by key (from the night's listing); missing keys are absent."""
        listing = self._listing()
        out: dict[str, DocState] = {}
        for key in keys:
            items = listing.get(key_value(key))
            if items and key not in out:
                out[key] = self._state(key, items)
        return out

    def delete_document(self, key: str) -> None:
        """Move the documents for `key` to Drive's bin (a person can restore them for 30 days)."""
        for item in self._find(key):
            self.clients.call(
                self._files()
                .update(fileId=item["id"], body={"trashed": True}, supportsAllDrives=True)
                .execute,
                f"the documents folder {self.folder_id} (document {key})",
                self._share,
            )
        if self._by_key is not None:
            self._by_key.pop(key_value(key), None)

    def read_pdf(self, key: str) -> bytes:
        """The document as PDF: Drive's export of the Google Doc (SPEC §8)."""
        found = self._listing().get(key_value(key))
        if not found:
            raise FileNotFoundError(f"the document {key} is not in the documents folder")
        what = f"the documents folder {self.folder_id} (PDF of document {key})"
        newest = _newest_first(found)[0]["id"]
        export = functools.partial(
            _execute, self._files().export, fileId=newest, mimeType="application/pdf"
        )
        return bytes(self.clients.call(export, what, self._share))

    def write_documents(self, jobs: Iterable[DocumentWrite]) -> DocumentWrites:
        """Write the jobs, `[google] document_workers` at once (see `writers`)."""
        workers = self.config.raw.google.document_workers
        if workers <= 1:
            return write_in_turn(self, jobs)
        self._listing()  # read once, before any worker starts
        return write_at_once(
            lambda j: self.write_document(j.key, j.title, j.docx, j.inputs_hash), jobs, workers
        )

    def write_document(self, key: str, title: str, docx: bytes, inputs_hash: str) -> DocState:
        """Create or replace the document for `key`; its state as Drive holds it after the write."""
        props = {APP_PROPERTY: APP_VALUE, KEY_PROPERTY: key_value(key)}
        if len(("sos_inputs" + inputs_hash).encode()) <= PROPERTY_LIMIT:
            props["sos_inputs"] = inputs_hash
        known = self._listing().get(key_value(key))
        if known:
            kept = _newest_first(known)[0]
            item = self._seal(key, self._update(key, kept["id"], title, docx, props))
            items = [item if i is kept else i for i in known]
        else:
            item = self._seal(key, self._create_once(key, title, docx, props))
            items = [item]
        with self._lock:
            self._listing()[key_value(key)] = items
        return self._state(key, items)

    def _seal(self, key: str, item: dict[str, Any]) -> dict[str, Any]:
        """Keep the hash of the text Drive made of our upload with the file (`sos_text`)."""
        with self._lock:
            self._text_hashes.pop(str(item["id"]), None)
        sealed = self._text_hash(key, str(item["id"]))
        reply: dict[str, Any] = self.clients.call(
            functools.partial(
                _execute,
                self._files().update,
                fileId=item["id"],
                body={"appProperties": {TEXT_PROPERTY: sealed}},
                fields=FIELDS,
                supportsAllDrives=True,
            ),
            self._what(key),
            self._share,
        )
        return reply

    def _what(self, key: str) -> str:
        return f"the documents folder {self.folder_id} (document {key})"

    def _update(
        self, key: str, file_id: str, title: str, docx: bytes, props: dict[str, str]
    ) -> dict[str, Any]:
        item: dict[str, Any] = self.clients.call(
            functools.partial(
                _execute,
                self._files().update,
                fileId=file_id,
                body={"name": title, "appProperties": {**props, TEXT_PROPERTY: None}},
                media_body=_media(docx),
                fields=FIELDS,
                supportsAllDrives=True,
            ),
            self._what(key),
            self._share,
        )
        return item

    def _create_once(
        self, key: str, title: str, docx: bytes, props: dict[str, str]
    ) -> dict[str, Any]:
        """Create the document; after a lost reply or a rate-limit refusal, look it up by key
        before sending again."""
        policy = self.clients.policy
        body = {
            "name": title,
            "mimeType": DOC_MIME,
            "parents": [self.folder_id],
            "appProperties": props,
        }
        for attempt in range(policy.tries):
            if attempt:
                policy.sleep(policy.backoff(attempt - 1))  # give Drive's search time to see it
                found = self._find(key)
                if found:
                    return _newest_first(found)[0]
            try:
                item: dict[str, Any] = self.clients.call(
                    functools.partial(
                        _execute,
                        self._files().create,
                        body=body,
                        media_body=_media(docx),
                        fields=FIELDS,
                        supportsAllDrives=True,
                    ),
                    self._what(key),
                    self._share,
                    retry=False,  # a create that may have landed is never resent blindly
                    resend_refused=False,
                )
                return item
            except GoogleTransient:
                continue
        raise GoogleTransient(
            f"Google kept failing while writing the document {key}; it is written next night."
        )
