"""The one privacy policy: who must not come back, and what of a response is personal.

A suppression list holds salted hashes of erased e-mail addresses and URNs (so the list
itself holds no addresses); `matches` says whether a response belongs to someone erased,
`redact` erases a response's personal details, and `too_old` applies the retention period.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, replace
from typing import Any

from sos_sync.domain.responses import RawResponse, normalise_urn

ERASED = "(erased)"
PERSONAL_TEXT = ("contact_name", "contact_role", "attendee_name")
PERSONAL_EMAIL = ("contact_email", "attendee_email")
SUPPRESSION_FILE = "suppressed.json"


def suppression_hash(kind: str, value: str) -> str:
    return hashlib.sha256(f"sos-sync:{kind}:{value}".encode()).hexdigest()


@dataclass(frozen=True)
class Suppression:
    """Who must not come back: hashed e-mail addresses and URNs."""

    emails: frozenset[str] = frozenset()
    urns: frozenset[str] = frozenset()

    def email(self, address: str) -> bool:
        a = (address or "").strip().lower()
        return bool(a) and suppression_hash("email", a) in self.emails

    def urn(self, urn: str) -> bool:
        u = normalise_urn(urn or "")
        return bool(u) and suppression_hash("urn", u or "") in self.urns

    def __bool__(self) -> bool:
        return bool(self.emails or self.urns)


def matches(raw: RawResponse, s: Suppression) -> bool:
    """True when a response carries a suppressed person's address or a suppressed school's URN."""
    if not s:
        return False
    if s.email(raw.email) or s.urn(str(raw.answers.get("urn", ""))):
        return True
    return any(s.email(str(raw.answers.get(f, ""))) for f in PERSONAL_EMAIL)


def redact(raw: RawResponse) -> RawResponse:
    """The response with every personal detail erased; the school's answers stay."""
    answers: dict[str, Any] = dict(raw.answers)
    for f in PERSONAL_TEXT:
        if answers.get(f):
            answers[f] = ERASED
    for f in PERSONAL_EMAIL:
        if f in answers:
            answers[f] = ""
    return replace(raw, email="", answers=answers)


def too_old(raw: RawResponse, submitted: dt.datetime | None, today: dt.date, days: int) -> bool:
    return bool(days) and submitted is not None and (today - submitted.date()).days > days


REDACTED = "[email removed]"

# Google service-account addresses are not personal data, and error messages must name
# them ("share the sheet with ...@....iam.gserviceaccount.com"), so they are kept.
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_SERVICE_ACCOUNT = re.compile(r"@[a-z0-9-]+\.iam\.gserviceaccount\.com$", re.IGNORECASE)


def redact_emails(text: str) -> str:
    """Replace every e-mail address except Google service accounts with `[email removed]`."""

    def swap(match: re.Match[str]) -> str:
        address = match.group(0)
        return address if _SERVICE_ACCOUNT.search(address) else REDACTED

    return _EMAIL.sub(swap, text)
