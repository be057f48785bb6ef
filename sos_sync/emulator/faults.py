"""Injected failures: 429s, 5xx, latency, a write applied but its reply lost, quota and permission 403s.

A fault is a rule: which requests it matches (API, method id, writes only, a resource id in the
path) and how often it fires: `count` (the next N matching requests: deterministic) or `rate`
(a probability, drawn from a seeded generator so a test run repeats exactly).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

from sos_sync.emulator.errors import ApiError, rate_limited

KINDS = ("error", "latency", "lost_reply")


@dataclass
class Fault:
    """One failure rule."""

    id: int
    kind: str
    status: int = 500
    reason: str | None = None
    domain: str = "global"
    message: str | None = None
    api: str | None = None
    method: str | None = None
    writes_only: bool = False
    resource: str | None = None
    rate: float = 1.0
    count: int | None = None
    seconds: float = 0.0
    mode: str = "500"
    fired: int = 0

    def matches(self, api: str, method_id: str, is_write: bool, resources: set[str]) -> bool:
        """Whether this rule applies to a request (before the dice)."""
        if self.api and self.api != api:
            return False
        if self.method and self.method not in (method_id, method_id.rsplit(".", 1)[-1]):
            return False
        if (self.writes_only or self.kind == "lost_reply") and not is_write:
            return False
        return not (self.resource and self.resource not in resources)

    def to_json(self) -> dict[str, Any]:
        """The rule as the admin API shows it."""
        return dict(self.__dict__)


@dataclass
class Outcome:
    """What the faults decided for one request."""

    delay: float = 0.0
    error: ApiError | None = None
    lost_reply: str | None = None
    fired: list[int] = field(default_factory=list)


_MESSAGES = {
    429: "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute per user'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
    403: "The caller does not have permission",
}


def error_for(fault: Fault, api: str) -> ApiError:
    """The ApiError a firing fault answers with, shaped for the API."""
    status = fault.status
    reason = fault.reason
    domain = fault.domain
    message = fault.message or _MESSAGES.get(status, "Injected failure.")
    if reason in ("quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded"):
        domain = "usageLimits"
        if fault.message is None and api == "calendar":
            message = "Calendar usage limits exceeded."
    if status == 403 and reason is None and fault.resource:
        reason = "insufficientFilePermissions" if api == "drive" else "forbidden"
        if api == "drive" and fault.message is None:
            message = f"The user does not have sufficient permissions for file {fault.resource}."
    if status == 429 and reason is None and fault.message is None:
        return rate_limited(api, False, 60)
    if status == 429 and reason is None:
        reason = "rateLimitExceeded"
        domain = "usageLimits"
    return ApiError(status, message, reason=reason, domain=domain)


class Faults:
    """The active rules, thread-safe."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []
        self._next_id = 1
        self._random = random.Random(seed)

    def add(self, spec: dict[str, Any]) -> Fault:
        """Add a rule from its JSON description (see `Fault` for the keys)."""
        allowed = set(Fault.__dataclass_fields__) - {"id", "fired"}
        unknown = set(spec) - allowed - {"seed"}
        if unknown:
            raise ValueError(f"unknown fault keys: {sorted(unknown)}")
        if spec.get("kind") not in KINDS:
            raise ValueError(f"fault kind must be one of {KINDS}")
        with self._lock:
            if "seed" in spec:
                self._random = random.Random(spec["seed"])
            values = {k: v for k, v in spec.items() if k != "seed"}
            fault = Fault(id=self._next_id, **values)
            self._next_id += 1
            self._rules.append(fault)
            return fault

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    def list(self) -> list[dict[str, Any]]:
        """The active rules."""
        with self._lock:
            return [f.to_json() for f in self._rules]

    def decide(self, api: str, method_id: str, is_write: bool, resources: set[str]) -> Outcome:
        """Roll every matching rule for one request."""
        outcome = Outcome()
        with self._lock:
            for fault in list(self._rules):
                if not fault.matches(api, method_id, is_write, resources):
                    continue
                if fault.kind != "latency" and (outcome.error or outcome.lost_reply):
                    continue
                if fault.rate < 1.0 and self._random.random() >= fault.rate:
                    continue
                fault.fired += 1
                outcome.fired.append(fault.id)
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._rules.remove(fault)
                if fault.kind == "latency":
                    outcome.delay += fault.seconds
                elif fault.kind == "error":
                    outcome.error = error_for(fault, api)
                else:
                    outcome.lost_reply = fault.mode
        return outcome
