"""The local backend: a workspace folder, no Google account needed (SPEC §9).

`inbox/*.csv` in; `tracker.xlsx`, `calendar.ics` and `docs/*.docx` out.
"""

from __future__ import annotations

from sos_sync.backends.local.ics_store import IcsCalendar
from sos_sync.backends.local.inbox import InboxSource
from sos_sync.backends.local.stores import DocxDocuments
from sos_sync.backends.local.xlsx import XlsxTracker
from sos_sync.config.load import Config


class LocalBackend:
    name = "local"

    def __init__(self, config: Config) -> None:
        self.config = config
        self.source = InboxSource(
            config.path(config.raw.local.inbox), {k: v for k, v in config.forms.items()}
        )
        self.tracker = XlsxTracker(
            config.path(config.raw.local.tracker),
            config.raw.leads,
            config.raw.rules.renewal_warning_days,
        )
        self.calendar = IcsCalendar(config)
        self.documents = DocxDocuments(config.path(config.raw.local.documents), config.workspace)

    def requests(self) -> dict[str, int]:
        return {}
