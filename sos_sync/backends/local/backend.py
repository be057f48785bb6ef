"""The local backend: a workspace folder, no Google account needed (SPEC §9).

`inbox/*.csv` in; `tracker.xlsx`, `calendar.ics` and `docs/*.docx` out.
"""

from __future__ import annotations

from sos_sync.backends.base import Check
from sos_sync.backends.local.ics_store import IcsCalendar
from sos_sync.backends.local.inbox import InboxSource
from sos_sync.backends.local.office_locks import held_by
from sos_sync.backends.local.parse_cache import FOLDER as CACHE_FOLDER
from sos_sync.backends.local.parse_cache import ParseCache
from sos_sync.backends.local.stores import DocxDocuments
from sos_sync.backends.local.xlsx import XlsxTracker
from sos_sync.config.load import Config
from sos_sync.run.suppression import load_suppression


class LocalInbox(InboxSource):
    documents: DocxDocuments | None = None

    def commit(self) -> None:
        """Keep the night's parses of the workspace's files for the next night (the tracker,
        calendar and exports are read whole every night; unchanged bytes need no parse), and
        what it found of the documents."""
        if self.cache is not None:
            self.cache.commit()
        if self.documents is not None:
            self.documents.commit_seen()


class LocalBackend:
    name = "local"

    def __init__(self, config: Config) -> None:
        self.config = config
        cache = ParseCache(config.workspace / CACHE_FOLDER)
        self.source = LocalInbox(
            config.path(config.raw.local.inbox),
            {k: v for k, v in config.forms.items()},
            cache=cache,
            may_keep=self._may_keep_responses,
        )
        self.tracker = XlsxTracker(
            config.path(config.raw.local.tracker),
            config.raw.leads,
            config.raw.rules.renewal_warning_days,
            cache,
        )
        self.calendar = IcsCalendar(config, cache)
        self.documents = DocxDocuments(config.path(config.raw.local.documents), config.workspace)
        self.source.documents = self.documents

    def _may_keep_responses(self) -> bool:
        """Responses are kept in the cache only while the workspace keeps them all: no
        retention period, nobody on the erasure list (the cache then holds nothing the
        inbox's exports do not)."""
        return not self.config.raw.retention.responses_days and not load_suppression(
            self.config.workspace
        )

    def held_by(self) -> str | None:
        """Excel's `~$tracker.xlsx` or LibreOffice's `.~lock.tracker.xlsx#` beside the tracker."""
        return held_by(self.config.path(self.config.raw.local.tracker))

    def prepare(self) -> int:
        """A new `tracker.xlsx` is made by its first write: nothing to set up beforehand."""
        return 0

    def tidy(self) -> int:
        """Remove temporary files a killed run left: `docs/.….docx.*.tmp`, `.tracker.xlsx.*.tmp`,
        `.calendar.ics.*` (a finished write renames its temporary file; only a kill leaves one)."""
        raw = self.config.raw.local
        tracker, calendar = self.config.path(raw.tracker), self.config.path(raw.calendar)
        patterns = [
            (self.config.path(raw.documents), ".*.docx.*.tmp"),
            (tracker.parent, f".{tracker.name}.*.tmp"),
            (calendar.parent, f".{calendar.name}.*"),
        ]
        removed = 0
        for folder, pattern in patterns:
            for path in folder.glob(pattern) if folder.is_dir() else ():
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def checks(self) -> list[Check]:
        inbox = self.config.path(self.config.raw.local.inbox)
        found = inbox.is_dir()
        return [
            Check(
                "inbox folder",
                "ok" if found else "fail",
                str(inbox) if found else f"{inbox} does not exist: create it, or fix [local] inbox",
            )
        ]

    def requests(self) -> dict[str, int]:
        return {}
