"""Point the real gspread and googleapiclient at a base URL (the emulator) or at Google.

URLs are rewritten in the transport, so the emulator sees production paths, and media uploads
and batch requests (which googleapiclient builds from the discovery `rootUrl`) are rewritten too.
With `base_url=None` every helper talks to real Google.
"""

from __future__ import annotations

from typing import Any

import google_auth_httplib2
import gspread
import httplib2
from google.auth.credentials import AnonymousCredentials, Credentials
from googleapiclient.discovery import build

GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")


def rewrite(url: str, base_url: str | None) -> tuple[str, str | None]:
    """`https://x.googleapis.com/path` -> `base_url/path` (and the host it was meant for)."""
    if not base_url or not url.startswith("https://"):
        return url, None
    parts = url.split("/", 3)  # ['https:', '', host, rest]
    host = parts[2]
    if host != "googleapis.com" and not host.endswith(".googleapis.com"):
        return url, None
    return base_url.rstrip("/") + "/" + (parts[3] if len(parts) > 3 else ""), host


class RewritingHTTPClient(gspread.HTTPClient):
    """gspread's plain HTTP client (no endless back-off) sending Google URLs to `base_url`."""

    def __init__(self, auth: Any, session: Any = None, base_url: str | None = None) -> None:
        super().__init__(auth=auth, session=session)
        self.base_url = base_url

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        """Send one request, to the emulator when a base URL is set."""
        endpoint, _host = rewrite(endpoint, self.base_url)
        return super().request(method, endpoint, *args, **kwargs)


def sheets_client(
    credentials: Credentials | None, base_url: str | None = None, timeout: float | None = 60
) -> gspread.Client:
    """A gspread client; its retries are the caller's (gspread 6.2.1's back-off never stops)."""
    auth = credentials if credentials is not None else AnonymousCredentials()  # type: ignore[no-untyped-call]
    client = gspread.Client(auth=auth)
    client.http_client = RewritingHTTPClient(auth=auth, base_url=base_url)
    if timeout is not None:
        client.http_client.set_timeout(timeout)
    return client


class _SendOnce:
    """A connection that sends at most one request: httplib2 resends a request whose
    connection dropped before the reply (a "stale" connection), even a POST that landed."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._sent = False

    def request(self, *args: Any, **kwargs: Any) -> Any:
        if self._sent:
            raise ConnectionAbortedError(
                "the connection dropped after a create was sent; not sent again blindly"
            )
        reply = self._conn.request(*args, **kwargs)
        self._sent = True
        return reply

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class RewritingHttp(httplib2.Http):  # type: ignore[misc]
    """An httplib2 transport sending `*.googleapis.com` requests to `base_url`.

    A POST (a create: not idempotent) goes on a fresh connection and is never resent by
    httplib2 when the connection drops before the reply: the caller looks before retrying.
    """

    def _conn_request(
        self, conn: Any, request_uri: str, method: str, body: Any, headers: Any
    ) -> Any:
        if method == "POST":
            if getattr(conn, "sock", None) is not None:
                conn.close()  # a kept-alive connection may be stale: never the reason to resend
            conn = _SendOnce(conn)
        return super()._conn_request(conn, request_uri, method, body, headers)

    def __init__(self, base_url: str | None, timeout: float | None = 60) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: dict[str, str] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        """Send one request, to the emulator when a base URL is set."""
        uri, host = rewrite(uri, self.base_url)
        if host:
            headers = dict(headers or {})
            headers["x-emulator-host"] = host
        return super().request(uri, method, body, headers, *args, **kwargs)


def build_service(
    name: str,
    version: str,
    credentials: Credentials | None,
    base_url: str | None = None,
    timeout: float | None = 60,
) -> Any:
    """A googleapiclient Resource built offline from the discovery document shipped in the wheel."""
    auth = credentials if credentials is not None else AnonymousCredentials()  # type: ignore[no-untyped-call]
    http = google_auth_httplib2.AuthorizedHttp(auth, http=RewritingHttp(base_url, timeout=timeout))
    return build(name, version, http=http, static_discovery=True, cache_discovery=False)


def emulator_credentials(token: str = "emulator-token") -> Credentials:
    """Bearer-token credentials that never refresh (what tests and the demo use)."""
    from google.oauth2.credentials import Credentials as UserCredentials

    return UserCredentials(token=token)  # type: ignore[no-untyped-call]
