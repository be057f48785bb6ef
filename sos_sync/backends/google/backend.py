"""The google backend (SPEC §9): Forms or linked tabs in, the tracker Sheet, Calendar and Drive out.

`GoogleBackend(config)` does no I/O until the sync reads: credentials are loaded and
clients built on first use. Every request is counted by API (`requests()`), Sheets
requests are paced under the per-user quota, and all calls share one bounded retry
policy. The responses read are kept (cache and cursor) by `source.commit()`, which the
sync's apply calls once the tracker write has landed, so a run that fails part-way reads
them again next night.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sos_sync.backends.base import Check
from sos_sync.backends.google.calendar import GoogleCalendarStore
from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.doctor import doctor as google_doctor
from sos_sync.backends.google.documents import GoogleDocumentStore
from sos_sync.backends.google.responses import GoogleResponseSource
from sos_sync.backends.google.retry import Pacer, RetryPolicy
from sos_sync.backends.google.tabs import GoogleTracker
from sos_sync.config.load import Config


class GoogleBackend:
    """Responses, tracker, calendar and documents on Google (or the emulator at `base_url`)."""

    name = "google"

    def __init__(
        self,
        config: Config,
        policy: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        now: Callable[[], dt.datetime] | None = None,
        drive_pacer: Pacer | None = None,
    ) -> None:
        self.config = config
        self.clients = GoogleClients(config, policy=policy, pacer=pacer, drive_pacer=drive_pacer)
        if now is None:
            self.source = GoogleResponseSource(config, self.clients)
        else:
            self.source = GoogleResponseSource(config, self.clients, now=now)
        self.tracker = GoogleTracker(config, self.clients)
        self.calendar = GoogleCalendarStore(config, self.clients)
        self.documents = GoogleDocumentStore(config, self.clients)

    def prepare(self) -> int:
        """Set up the spreadsheet's tabs, drop-downs, protections and chart (idempotent)."""
        from sos_sync.backends.google.setup import prepare_spreadsheet

        return prepare_spreadsheet(self.config, self.clients)

    def held_by(self) -> str | None:
        """A Google Sheet is edited by many at once: nobody holds it."""
        return None

    def tidy(self) -> int:
        """Nothing half-written survives a kill on Google: every write is one request."""
        return 0

    def checks(self) -> list[Check]:
        """Every form, the sheet, the calendar and the documents folder are reachable."""
        return google_doctor(self.config, self.clients)

    def requests(self) -> dict[str, int]:
        """HTTP requests sent so far, by API (forms, sheets, calendar, drive, docs)."""
        return self.clients.requests()
