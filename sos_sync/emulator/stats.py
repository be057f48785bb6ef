"""Request statistics and the request log (per API, per method; reads vs writes).

A "write" is any request whose HTTP method is not GET, as Google's quotas count them.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

LOG_LIMIT = 20_000


class Stats:
    """Counters and a bounded log, thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._log: deque[dict[str, Any]] = deque(maxlen=LOG_LIMIT)
        self._counters: dict[str, Any] = {}
        self._seq = 0
        self.reset()

    def reset(self) -> None:
        """Zero every counter and empty the log."""
        with self._lock:
            self._log.clear()
            self._counters = {"requests": 0, "reads": 0, "writes": 0, "errors": 0, "apis": {}}

    def record(
        self,
        api: str,
        method_id: str,
        http_method: str,
        path: str,
        status: int,
        faults: list[int],
    ) -> None:
        """Count one request and append it to the log."""
        write = http_method != "GET"
        with self._lock:
            self._seq += 1
            c = self._counters
            per_api = c["apis"].setdefault(
                api, {"requests": 0, "reads": 0, "writes": 0, "errors": 0, "methods": {}}
            )
            for bucket in (c, per_api):
                bucket["requests"] += 1
                bucket["writes" if write else "reads"] += 1
                if status >= 400:
                    bucket["errors"] += 1
            per_api["methods"][method_id] = per_api["methods"].get(method_id, 0) + 1
            self._log.append(
                {
                    "seq": self._seq,
                    "time": time.time(),
                    "api": api,
                    "method": method_id,
                    "httpMethod": http_method,
                    "path": path,
                    "status": status,
                    "write": write,
                    "faults": faults,
                }
            )

    def snapshot(self) -> dict[str, Any]:
        """A copy of the counters."""
        import copy

        with self._lock:
            return copy.deepcopy(self._counters)

    def log(self, since: int = 0) -> list[dict[str, Any]]:
        """Log entries with a sequence number above `since`."""
        with self._lock:
            return [dict(e) for e in self._log if e["seq"] > since]
