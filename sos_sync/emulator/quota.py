"""Per-minute request quotas, off by default (on in the demo and `emulator serve`): reads and writes counted apart per API, as Google does.

Turned on through the admin settings (`{"quotas": {"sheets": 60}, "quotaWindowSeconds": 60}`),
so a test can prove that the product paces itself under Sheets' 60 requests/minute/user instead
of relying on 429s. A request over the limit gets the 429 of its API and is not applied.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from sos_sync.emulator.errors import rate_limited

# Google's per-minute, per-user limits (reads and writes each): Sheets 60, Forms 150 (its
# writes; reads allow 390), Drive 12,000. Calendar's limits are its own 403s (faults).
GOOGLE_QUOTAS = {"sheets": 60, "forms": 150, "drive": 12000}


class Quotas:
    """Sliding-window counters keyed by (API, read or write)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, bool], deque[float]] = {}

    def reset(self) -> None:
        """Forget every counted request."""
        with self._lock:
            self._seen.clear()

    def check(self, api: str, is_write: bool, limit: int | None, window: float) -> None:
        """Count one request; raise the API's 429 when the window already holds `limit` of them."""
        if not limit:
            return
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault((api, is_write), deque())
            while seen and seen[0] <= now - window:
                seen.popleft()
            if len(seen) >= limit:
                raise rate_limited(api, is_write, limit)
            seen.append(now)
