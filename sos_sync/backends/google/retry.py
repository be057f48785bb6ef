"""One bounded retry policy for gspread and googleapiclient, and a pacer for the Sheets quota.

Transient faults (429, 5xx, 408, the rate-limit 403s `rateLimitExceeded` /
`userRateLimitExceeded`, dropped connections) are retried with exponential back-off and
full jitter, within a number of tries and a time budget. Everything else fails fast:
400 is a bug or a bad request, 401/403/404 mean something must be shared or fixed, and
Calendar's 403 `quotaExceeded` (anti-spam, lifted after hours) is deferred to tomorrow
as a `Transient` without retrying it now. gspread's own `BackOffHTTPClient` retries
forever (6.2.1), so it is never used.

Clocks and sleeps are injectable so the tests need no real time.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sos_sync.errors import Permanent, Transient

T = TypeVar("T")

RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class GoogleTransient(Transient):
    """A fault worth trying again later; carries the HTTP status and Google's reason."""

    def __init__(self, message: str, status: int = 0, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class GooglePermanent(Permanent):
    """A fault retrying will not fix; carries the HTTP status, reason and Google's message."""

    def __init__(self, message: str, status: int = 0, reason: str = "", detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Fault:
    """An HTTP failure as both libraries report it: status, Google's reason and message."""

    status: int  # 0: no HTTP answer (connection dropped, timeout)
    reason: str = ""
    message: str = ""


def _error_body(content: Any) -> tuple[str, str]:
    try:
        data = json.loads(content) if isinstance(content, (bytes, str)) else content
    except (ValueError, TypeError):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    error = data.get("error")
    if not isinstance(error, dict):
        return "", str(error or "")
    reason = ""
    errors = error.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        reason = str(errors[0].get("reason", ""))
    if not reason:
        for detail in error.get("details") or []:
            if isinstance(detail, dict) and detail.get("reason"):
                reason = str(detail["reason"])
                break
    return reason or str(error.get("status", "")), str(error.get("message", ""))


def fault_of(exc: BaseException) -> Fault | None:
    """The HTTP fault behind a gspread / googleapiclient / transport exception, or None."""
    import gspread
    import httplib2
    import requests
    from googleapiclient.errors import HttpError

    if isinstance(exc, gspread.exceptions.APIError):
        response = exc.response
        reason, message = _error_body(getattr(response, "content", b""))
        return Fault(int(getattr(response, "status_code", 0) or exc.code), reason, message)
    if isinstance(exc, HttpError):
        reason, message = _error_body(exc.content)
        return Fault(int(exc.resp.status), reason, message)
    if isinstance(
        exc,
        (
            requests.ConnectionError,
            requests.Timeout,
            httplib2.HttpLib2Error,
            ConnectionError,
            TimeoutError,
        ),
    ):
        return Fault(0, "connection", str(exc))
    return None


def retryable(fault: Fault) -> bool:
    """True for faults worth retrying now."""
    if fault.status == 0:
        return True
    if fault.status in RETRY_STATUSES or fault.status >= 500:
        return True
    return fault.status == 403 and fault.reason in RATE_LIMIT_REASONS


@dataclass
class RetryPolicy:
    """Bounded retries with exponential back-off and full jitter inside a time budget.

    Attributes:
        tries: attempts in all (the first one included).
        budget: seconds a call may spend, sleeps included; no sleep is started that
            would end past it.
        base, cap: the back-off before try n+1 is uniform in [0, min(cap, base * 2**n)].
    """

    tries: int = 5
    budget: float = 120.0
    base: float = 1.0
    cap: float = 32.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)
    waits: list[float] = field(default_factory=list)  # every back-off slept (tests, logs)

    def backoff(self, attempt: int) -> float:
        """Full jitter: a uniform draw up to the exponential ceiling for this attempt."""
        return self.rng.uniform(0, min(self.cap, self.base * 2**attempt))

    def call(
        self,
        fn: Callable[[], T],
        what: str,
        explain: Callable[[Fault], str] | None = None,
        retry: bool = True,
        resend_refused: bool = True,
    ) -> T:
        """Run `fn`, retrying transient faults; raise GoogleTransient or GooglePermanent.

        Args:
            fn: the request (it must be safe to send again when `retry` is True).
            what: the resource in plain words, for messages ("the spreadsheet X").
            explain: turns a permanent fault into what to do (share what with whom).
            retry: False for a write that must not be sent twice blindly: a transient
                fault is raised at once so the caller can look before trying again.
            resend_refused: with `retry` False, whether a rate-limit refusal (429, 403
                rateLimitExceeded) is still sent again; False for a Drive create, which
                such a refusal has been seen to let through (the caller looks first).
        """
        started = self.clock()
        attempt = 0
        while True:
            try:
                return fn()
            except Exception as exc:
                fault = fault_of(exc)
                if fault is None:
                    raise
                if not retryable(fault):
                    if fault.status == 403 and fault.reason == "quotaExceeded":
                        raise GoogleTransient(
                            f"Google's usage limit was reached for {what} ({fault.message or 'quotaExceeded'}). "
                            "Not retried now: Google lifts it after some hours; tomorrow's run "
                            "will catch up.",
                            fault.status,
                            fault.reason,
                        ) from exc
                    hint = explain(fault) if explain else ""
                    message = (
                        f"Google refused {what}: {fault.status} {fault.message or fault.reason}."
                    )
                    raise GooglePermanent(
                        f"{message} {hint}".strip(), fault.status, fault.reason, fault.message
                    ) from exc
                attempt += 1
                elapsed = self.clock() - started
                wait = self.backoff(attempt - 1)
                # a rate-limit refusal (429, or 403 rateLimitExceeded) was never applied, so
                # even a write that must not be sent twice blindly may be sent again
                refused = resend_refused and fault.status in (403, 429)
                if (
                    (not retry and not refused)
                    or attempt >= self.tries
                    or elapsed + wait > self.budget
                ):
                    why = (
                        "not retried (a write that might have landed)"
                        if not retry and not refused
                        else f"gave up after {attempt} tries in {elapsed:.0f} s"
                    )
                    raise GoogleTransient(
                        f"Google kept failing for {what}: "
                        f"{fault.status or 'no answer'} {fault.message or fault.reason} ({why}). "
                        "Run again later; nothing is lost.",
                        fault.status,
                        fault.reason,
                    ) from exc
                self.waits.append(wait)
                self.sleep(wait)


class Pacer:
    """A token bucket keeping one API under its per-user quota (Sheets: 60 requests/minute).

    `capacity` requests may go at once; tokens refill at `per_minute - capacity` a minute,
    so no 60-second window ever holds more than `per_minute` requests (`window` shortens
    the minute, for tests).
    """

    def __init__(
        self,
        per_minute: int = 60,
        capacity: int = 10,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        window: float = 60.0,
    ) -> None:
        if not 0 < capacity < per_minute:
            raise ValueError("capacity must be between 0 and per_minute")
        self.capacity = float(capacity)
        self.rate = (per_minute - capacity) / window  # tokens a second
        self.clock = clock
        self.sleep = sleep
        self.tokens = float(capacity)
        self.stamp = clock()
        self.waited = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Take one token, sleeping until one is there."""
        with self._lock:
            now = self.clock()
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens < 1.0:
                wait = (1.0 - self.tokens) / self.rate
                self.waited += wait
                self.sleep(wait)
                self.stamp = now + wait  # the token is there by then, whatever the clock says
                self.tokens = 1.0
            self.tokens -= 1.0
