"""The retry policy and the pacer, with an injected clock: bounded, jittered, inside a budget."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

import gspread
import httplib2
import pytest
import requests
from googleapiclient.errors import HttpError

from sos_sync.backends.google.retry import GooglePermanent, GoogleTransient, Pacer, RetryPolicy
from sos_sync.errors import Permanent, Transient


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def sheets_error(
    status: int, reason: str = "", message: str = "boom"
) -> gspread.exceptions.APIError:
    """A real gspread APIError, as gspread raises it for a real HTTP response."""
    response = requests.Response()
    response.status_code = status
    error: dict[str, object] = {"code": status, "message": message, "status": "X"}
    if reason:
        error["errors"] = [{"reason": reason, "domain": "usageLimits", "message": message}]
    response._content = json.dumps({"error": error}).encode()
    return gspread.exceptions.APIError(response)


def api_error(status: int, reason: str = "", message: str = "boom") -> HttpError:
    """A real googleapiclient HttpError."""
    body = {"error": {"code": status, "message": message, "errors": [{"reason": reason}]}}
    return HttpError(httplib2.Response({"status": status}), json.dumps(body).encode())


def failing(errors: list[Exception], result: str = "ok") -> tuple[Callable[[], str], list[int]]:
    calls = [0]

    def fn() -> str:
        calls[0] += 1
        if errors:
            raise errors.pop(0)
        return result

    return fn, calls


def policy(clock: FakeClock, **kw: float) -> RetryPolicy:
    return RetryPolicy(sleep=clock.sleep, clock=clock, rng=random.Random(1), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "error",
    [
        sheets_error(429),
        sheets_error(500),
        sheets_error(503),
        sheets_error(403, "rateLimitExceeded"),
        api_error(403, "userRateLimitExceeded"),
        api_error(502),
        requests.ConnectionError("reset"),
    ],
)
def test_transient_faults_are_retried_then_succeed(error: Exception) -> None:
    clock = FakeClock()
    fn, calls = failing([error, error])
    assert policy(clock).call(fn, "the spreadsheet s1") == "ok"
    assert calls[0] == 3
    assert len(clock.slept) == 2


def test_backoff_is_bounded_exponential_with_full_jitter() -> None:
    clock = FakeClock()
    p = policy(clock, tries=6, budget=1e9, base=1.0, cap=8.0)
    fn, calls = failing([sheets_error(429)] * 10)
    with pytest.raises(GoogleTransient) as caught:
        p.call(fn, "the spreadsheet s1")
    assert calls[0] == 6  # bounded by tries
    assert len(clock.slept) == 5
    for n, wait in enumerate(clock.slept):
        assert 0 <= wait <= min(8.0, 2**n)  # full jitter under the exponential ceiling
    assert len(set(clock.slept)) == len(clock.slept)  # jittered, not a fixed ladder
    assert "Run again later" in str(caught.value)
    assert isinstance(caught.value, Transient)


def test_time_budget_stops_retrying_before_it_is_spent() -> None:
    clock = FakeClock()
    p = policy(clock, tries=100, budget=20.0, base=4.0, cap=16.0)
    fn, calls = failing([sheets_error(503)] * 1000)
    with pytest.raises(GoogleTransient):
        p.call(fn, "the spreadsheet s1")
    assert clock.now <= 20.0
    assert 1 < calls[0] < 100


@pytest.mark.parametrize(
    "error",
    [sheets_error(400), sheets_error(401), sheets_error(403, "forbidden"), sheets_error(404)],
)
def test_permanent_faults_fail_fast_saying_what_to_share(error: Exception) -> None:
    clock = FakeClock()
    fn, calls = failing([error])
    with pytest.raises(GooglePermanent) as caught:
        policy(clock).call(
            fn,
            "the spreadsheet s1",
            explain=lambda f: (
                f"Share the spreadsheet s1 with bot@p.iam.gserviceaccount.com as Editor ({f.status})."
            ),
        )
    assert calls[0] == 1 and clock.slept == []
    assert isinstance(caught.value, Permanent)
    assert "the spreadsheet s1" in str(caught.value)
    assert "Share the spreadsheet s1 with bot@p.iam.gserviceaccount.com as Editor" in str(
        caught.value
    )


def test_calendar_quota_exceeded_is_not_retried_but_deferred() -> None:
    clock = FakeClock()
    fn, calls = failing([api_error(403, "quotaExceeded", "Calendar usage limits exceeded.")])
    with pytest.raises(GoogleTransient) as caught:
        policy(clock).call(fn, "the calendar c1")
    assert calls[0] == 1 and clock.slept == []
    assert "tomorrow" in str(caught.value)


def test_a_write_that_must_not_be_resent_is_not_retried_blindly() -> None:
    clock = FakeClock()
    fn, calls = failing([sheets_error(500)])
    with pytest.raises(GoogleTransient) as caught:
        policy(clock).call(fn, "the spreadsheet s1", retry=False)
    assert calls[0] == 1
    assert "might have landed" in str(caught.value)


def test_a_rate_limit_refusal_of_such_a_write_is_retried_it_never_landed() -> None:
    clock = FakeClock()
    fn, calls = failing([sheets_error(429), sheets_error(429)])
    assert policy(clock).call(fn, "the spreadsheet s1", retry=False) == "ok"
    assert calls[0] == 3


def test_other_exceptions_are_not_swallowed() -> None:
    clock = FakeClock()
    fn, calls = failing([KeyError("bug")])
    with pytest.raises(KeyError):
        policy(clock).call(fn, "x")
    assert calls[0] == 1


def test_pacer_keeps_any_minute_under_the_quota() -> None:
    clock = FakeClock()
    pacer = Pacer(per_minute=60, capacity=10, clock=clock, sleep=clock.sleep)
    stamps = []
    for _ in range(300):
        pacer.acquire()
        stamps.append(clock.now)
    for i, start in enumerate(stamps):
        in_window = [s for s in stamps[i:] if s < start + 60.0]
        assert len(in_window) <= 60
    assert stamps[-1] >= (300 - 60) / 60 * 60 * 0.9  # it did slow down, to about 50/min
    assert stamps[9] == 0.0  # the first ten go at once
