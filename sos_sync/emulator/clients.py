"""The emulator's own test clients: the real gspread and googleapiclient, pointed at an emulator.

A minimal copy of the product's transport, so the emulator and its tests need nothing else
from sos_sync: every `https://*.googleapis.com/...` URL is sent to `base_url` instead.
"""

from __future__ import annotations

from typing import Any

import google_auth_httplib2
import gspread
import httplib2
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build


def _rewrite(url: str, base_url: str) -> str:
    if not url.startswith("https://"):
        return url
    parts = url.split("/", 3)
    if not parts[2].endswith("googleapis.com"):
        return url
    return base_url.rstrip("/") + "/" + (parts[3] if len(parts) > 3 else "")


def credentials(token: str = "emulator-token") -> Credentials:
    """A bearer token that never refreshes (the emulator accepts any)."""
    return Credentials(token=token)  # type: ignore[no-untyped-call]


class _Http(gspread.HTTPClient):
    def __init__(self, auth: Any, base_url: str) -> None:
        super().__init__(auth=auth)
        self.base_url = base_url

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        return super().request(method, _rewrite(endpoint, self.base_url), *args, **kwargs)


def sheets_client(base_url: str, timeout: float = 10, auth: Any = None) -> gspread.Client:
    """A gspread client talking to the emulator (bearer-token credentials unless given)."""
    auth = auth if auth is not None else credentials()
    client = gspread.Client(auth=auth)
    client.http_client = _Http(auth, base_url)
    client.http_client.set_timeout(timeout)
    return client


class _Httplib2(httplib2.Http):  # type: ignore[misc]
    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url

    def request(self, uri: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
        return super().request(_rewrite(uri, self.base_url), method, *args, **kwargs)


def service(name: str, version: str, base_url: str, timeout: float = 10) -> Any:
    """A googleapiclient Resource (offline discovery) talking to the emulator."""
    http = google_auth_httplib2.AuthorizedHttp(credentials(), http=_Httplib2(base_url, timeout))
    return build(name, version, http=http, static_discovery=True, cache_discovery=False)
