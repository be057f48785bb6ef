"""The HTTP clients of one run: gspread and googleapiclient, counted, paced and retried.

Every request is counted by API (forms, sheets, calendar, drive, docs) for `--json`;
Sheets requests wait for the pacer so a night stays under 60 requests a minute, Drive
writes for theirs (`DRIVE_WRITES_PER_MINUTE`); calls go through one `RetryPolicy`.
Nothing connects until a client is first used.

googleapiclient's services and their httplib2 transports are not thread-safe: each thread
gets its own (the document writers run a few at once), built on first use in that
thread; the counters are shared and locked.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import google_auth_httplib2
import gspread
from googleapiclient.discovery import build

from sos_sync.backends.google.auth import load_credentials, principal
from sos_sync.backends.google.retry import Fault, Pacer, RetryPolicy
from sos_sync.backends.google.transport import RewritingHttp, RewritingHTTPClient
from sos_sync.config.load import Config

T = TypeVar("T")

SPECIAL_403 = frozenset({"forbiddenForServiceAccounts", "storageQuotaExceeded"})
APIS = ("forms", "sheets", "calendar", "drive", "docs")
_SERVICES = {"forms": "v1", "sheets": "v4", "calendar": "v3", "drive": "v3", "docs": "v1"}

# Drive documents 12,000 requests a minute per user, and "additional rate limit checks"
# that answer 429 (https://developers.google.com/drive/api/guides/limits); uploads at
# "about 5 or so requests per second" have met 403 rateLimitExceeded
# (https://stackoverflow.com/questions/17536416). Writes (a create, an update) are paced
# under that: 20 at once, then 280 a minute (4.7 a second). A 429 is still retried
# (`retry.RetryPolicy`); a create only after looking for it, as such a refusal has been
# seen to let the create through (https://stackoverflow.com/questions/18578768).
DRIVE_WRITES_PER_MINUTE, DRIVE_WRITE_BURST = 300, 20


class RequestCounter:
    """Requests sent by API, counted from any thread."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter({api: 0 for api in APIS})
        self._lock = threading.Lock()

    def add(self, api: str) -> None:
        with self._lock:
            self.counts[api] += 1

    def by_api(self) -> dict[str, int]:
        with self._lock:
            return {api: int(self.counts.get(api, 0)) for api in APIS}


def api_of_url(url: str) -> str:
    """The API a Google URL belongs to (gspread also talks to Drive)."""
    if "sheets.googleapis.com" in url or "/v4/spreadsheets" in url:
        return "sheets"
    if "/drive/" in url:
        return "drive"
    return "sheets"


class CountingSheetsHTTP(RewritingHTTPClient):
    """gspread's plain HTTP client, counting and pacing every request."""

    def __init__(
        self, auth: Any, base_url: str | None, counts: RequestCounter, pacer: Pacer | None
    ) -> None:
        super().__init__(auth=auth, base_url=base_url)
        self.counts = counts
        self.pacer = pacer

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        """Wait for the pacer (Sheets), count, send."""
        api = api_of_url(endpoint)
        if api == "sheets" and self.pacer is not None:
            self.pacer.acquire()
        self.counts.add(api)
        return super().request(method, endpoint, *args, **kwargs)


class CountingHttp(RewritingHttp):
    """googleapiclient's transport for one API and one thread, counting every request and
    pacing writes when given a pacer."""

    def __init__(
        self,
        base_url: str | None,
        api: str,
        counts: RequestCounter,
        timeout: float,
        write_pacer: Pacer | None = None,
    ) -> None:
        super().__init__(base_url, timeout=timeout)
        self.api = api
        self.counts = counts
        self.write_pacer = write_pacer

    def request(self, uri: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
        """Wait for the pacer (a write), count, send."""
        if self.write_pacer is not None and method != "GET":
            self.write_pacer.acquire()
        self.counts.add(self.api)
        return super().request(uri, method, *args, **kwargs)


class GoogleClients:
    """The clients, counters, pacer and retry policy of one backend."""

    def __init__(
        self,
        config: Config,
        policy: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        credentials: Any = None,
        timeout: float = 60.0,
        drive_pacer: Pacer | None = None,
    ) -> None:
        self.config = config
        self.base_url = config.raw.google.base_url or None
        self.policy = policy or RetryPolicy()
        self.pacer = pacer if pacer is not None else Pacer()
        self.drive_pacer = drive_pacer or Pacer(DRIVE_WRITES_PER_MINUTE, DRIVE_WRITE_BURST)
        self.counter = RequestCounter()
        self.timeout = timeout
        self._credentials = credentials
        self._gc: gspread.Client | None = None
        self._local = threading.local()  # this thread's services: {name: Resource}

    @property
    def credentials(self) -> Any:
        """Loaded on first use (reads the key or token file)."""
        if self._credentials is None:
            self._credentials = load_credentials(self.config)
        return self._credentials

    @property
    def sheets(self) -> gspread.http_client.HTTPClient:
        """gspread's low-level HTTP client (one request per call, no hidden metadata reads)."""
        if self._gc is None:
            client = gspread.Client(auth=self.credentials)
            client.http_client = CountingSheetsHTTP(
                self.credentials, self.base_url, self.counter, self.pacer
            )
            client.http_client.set_timeout(self.timeout)
            self._gc = client
        return self._gc.http_client

    def service(self, name: str) -> Any:
        """This thread's googleapiclient Resource for an API, built offline from the
        discovery document in the wheel (on its own transport: they are not thread-safe)."""
        services: dict[str, Any] = self._local.__dict__.setdefault("services", {})
        if name not in services:
            pacer = self.drive_pacer if name == "drive" else None
            transport = CountingHttp(self.base_url, name, self.counter, self.timeout, pacer)
            http = google_auth_httplib2.AuthorizedHttp(self.credentials, http=transport)
            services[name] = build(
                name, _SERVICES[name], http=http, static_discovery=True, cache_discovery=False
            )
        return services[name]

    def requests(self) -> dict[str, int]:
        """HTTP requests sent so far, by API."""
        return self.counter.by_api()

    def call(
        self,
        fn: Callable[[], T],
        what: str,
        share: str = "",
        retry: bool = True,
        resend_refused: bool = True,
    ) -> T:
        """Run one request under the retry policy; permanent faults say what to share with whom."""
        return self.policy.call(
            fn, what, self.explainer(share), retry=retry, resend_refused=resend_refused
        )

    def explainer(self, share: str) -> Callable[[Fault], str]:
        """What to do about a permanent fault on a resource (`share`: "the spreadsheet X as Editor")."""
        who = principal(self.config)

        def explain(fault: Fault) -> str:
            if fault.status == 401:
                return (
                    "The credentials were refused: sign in again with `sos-sync auth login`, or "
                    "check the service account key file."
                )
            if fault.status == 404:
                return (
                    f"Nothing with this id exists for {who}: the id in sos-sync.toml is wrong "
                    "or the item was deleted; copy the id again from its address in the browser "
                    f"(Drive and Calendar also answer this for an item not shared with {who})."
                )
            if fault.status == 403 and share and fault.reason not in SPECIAL_403:
                return f"{who} has no access to it: share {share} with {who}."
            if fault.status == 403 and fault.reason == "forbiddenForServiceAccounts":
                return (
                    "A service account cannot invite attendees without domain-wide delegation: "
                    "ask a Workspace admin for delegation, or sign in as a lead (auth = oauth)."
                )
            if fault.status == 403 and fault.reason == "storageQuotaExceeded":
                return (
                    "A service account owns no Drive storage: put the documents folder in a "
                    f"shared drive and add {who} to it as Content manager."
                )
            return "Check the settings in sos-sync.toml; `sos-sync doctor` checks every resource."

        return explain
