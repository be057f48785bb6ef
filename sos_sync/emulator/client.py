"""`EmulatorAdmin`: seed, inspect and break an emulator from Python, without hand-written admin HTTP."""

from __future__ import annotations

from typing import Any

import requests

from sos_sync.emulator.quota import GOOGLE_QUOTAS


class EmulatorAdminError(RuntimeError):
    """The admin API refused a request."""


class EmulatorAdmin:
    """A client for the `/_emulator/` admin API of one emulator."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._session = requests.Session()

    def _call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        response = self._session.request(
            method,
            f"{self.base_url}/_emulator/{path}",
            json=body,
            params=params,
            timeout=self.timeout,
        )
        if response.status_code >= 400:
            raise EmulatorAdminError(
                f"{method} /_emulator/{path}: {response.status_code} {response.text}"
            )
        reply: dict[str, Any] = response.json() if response.content else {}
        return reply

    # world ---------------------------------------------------------------------------------
    def health(self) -> bool:
        """True when the emulator answers."""
        return bool(self._call("GET", "health")["ok"])

    def reset(self) -> None:
        """Empty the world, the faults and the statistics."""
        self._call("POST", "reset")

    def state(self) -> dict[str, Any]:
        """The whole emulated world (debugging)."""
        return self._call("GET", "state")

    def set_service_account(self, enabled: bool = True) -> None:
        """Act as a service account without DWD: no My Drive storage, no calendar attendees."""
        self._call("POST", "settings", {"serviceAccount": enabled})

    def set_quota(self, api: str, per_window: int | None, window_seconds: float = 60) -> None:
        """Limit reads and (separately) writes of one API per window; None lifts the limit."""
        quotas = dict(self._call("GET", "settings").get("quotas") or {})
        if per_window is None:
            quotas.pop(api, None)
        else:
            quotas[api] = per_window
        self._call("POST", "settings", {"quotas": quotas, "quotaWindowSeconds": window_seconds})

    def set_google_quotas(self, window_seconds: float = 60) -> None:
        """Google's per-user limits a minute (`quota.GOOGLE_QUOTAS`); beyond them, Google's 429."""
        self._call(
            "POST",
            "settings",
            {"quotas": dict(GOOGLE_QUOTAS), "quotaWindowSeconds": window_seconds},
        )

    # seeding -------------------------------------------------------------------------------
    def create_spreadsheet(
        self,
        title: str,
        spreadsheet_id: str | None = None,
        sheets: list[str] | None = None,
        parents: list[str] | None = None,
        locale: str | None = None,
        time_zone: str | None = None,
    ) -> dict[str, Any]:
        """A spreadsheet (and its Drive file) with the given tabs (default `Sheet1`), as a lead
        makes one (en_GB / Europe/London unless `locale` / `time_zone` say otherwise)."""
        body = {
            "title": title,
            "spreadsheetId": spreadsheet_id,
            "sheets": sheets,
            "parents": parents,
            "locale": locale,
            "timeZone": time_zone,
        }
        return self._call("POST", "spreadsheets", {k: v for k, v in body.items() if v is not None})

    def create_form(
        self, title: str, items: list[dict[str, Any]], form_id: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """A form. Items: `{"title", "kind": text|paragraph|radio|checkbox|dropdown|scale|date|time|grid,
        "questionId"?, "options"?, "rows"? (grid: [{"title", "questionId"?}]), "required"?}`."""
        body = {"title": title, "items": items, **extra}
        if form_id:
            body["formId"] = form_id
        return self._call("POST", "forms", body)

    def add_response(
        self,
        form_id: str,
        answers: dict[str, Any],
        response_id: str | None = None,
        respondent_email: str | None = None,
        submitted: str | None = None,
        created: str | None = None,
    ) -> dict[str, Any]:
        """A response; `answers` maps questionId (or question title) to a string or list of strings."""
        body = {
            "answers": answers,
            "responseId": response_id,
            "respondentEmail": respondent_email,
            "lastSubmittedTime": submitted,
            "createTime": created,
        }
        return self._call(
            "POST",
            f"forms/{form_id}/responses",
            {k: v for k, v in body.items() if v is not None},
        )

    def add_responses(self, form_id: str, responses: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Many responses in one call; each `{"answers", "responseId"?, "respondentEmail"?, "lastSubmittedTime"?}`."""
        reply = self._call("POST", f"forms/{form_id}/responses", {"responses": responses})
        added: list[dict[str, Any]] = reply["responses"]
        return added

    def edit_response(
        self,
        form_id: str,
        response_id: str,
        answers: dict[str, Any] | None = None,
        submitted: str | None = None,
    ) -> dict[str, Any]:
        """Edit a response in place: same responseId, newer lastSubmittedTime."""
        body: dict[str, Any] = {}
        if answers is not None:
            body["answers"] = answers
        if submitted is not None:
            body["lastSubmittedTime"] = submitted
        return self._call("PATCH", f"forms/{form_id}/responses/{response_id}", body)

    def delete_response(self, form_id: str, response_id: str) -> None:
        """Delete a response (as a form owner can in the Forms UI)."""
        self._call("DELETE", f"forms/{form_id}/responses/{response_id}")

    def create_calendar(
        self, calendar_id: str, summary: str | None = None, time_zone: str = "Europe/London"
    ) -> dict[str, Any]:
        """A calendar the caller can write to."""
        return self._call(
            "POST",
            "calendars",
            {"id": calendar_id, "summary": summary or calendar_id, "timeZone": time_zone},
        )

    def notifications(self, calendar_id: str) -> list[dict[str, Any]]:
        """Invitation e-mails Google would have sent for this calendar (sendUpdates != none)."""
        sent: list[dict[str, Any]] = self._call("GET", f"calendars/{calendar_id}/notifications")[
            "notifications"
        ]
        return sent

    def create_folder(
        self, name: str, folder_id: str | None = None, parents: list[str] | None = None
    ) -> dict[str, Any]:
        """A Drive folder (in My Drive, another folder, or a shared drive given as parent)."""
        body = {"name": name, "id": folder_id, "parents": parents}
        return self._call("POST", "drive/folders", {k: v for k, v in body.items() if v is not None})

    def create_shared_drive(self, name: str, drive_id: str | None = None) -> dict[str, Any]:
        """A shared drive (its id is also the id of its root folder)."""
        body = {"name": name, "id": drive_id}
        return self._call(
            "POST", "drive/shared-drives", {k: v for k, v in body.items() if v is not None}
        )

    # statistics ----------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """`{requests, reads, writes, errors, apis: {api: {..., methods: {method_id: n}}}}`."""
        return self._call("GET", "stats")

    def reset_stats(self) -> None:
        """Zero the counters and empty the log."""
        self._call("POST", "stats/reset")

    def log(self, since: int = 0) -> list[dict[str, Any]]:
        """Requests logged after sequence number `since`."""
        entries: list[dict[str, Any]] = self._call("GET", "log", params={"since": since})[
            "requests"
        ]
        return entries

    # faults --------------------------------------------------------------------------------
    def add_fault(self, kind: str, **rule: Any) -> dict[str, Any]:
        """Add a raw fault rule (see `sos_sync.emulator.faults.Fault`)."""
        return self._call("POST", "faults", {"kind": kind, **rule})

    def faults(self) -> list[dict[str, Any]]:
        """The active fault rules."""
        rules: list[dict[str, Any]] = self._call("GET", "faults")["faults"]
        return rules

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self._call("DELETE", "faults")

    def fail_next(self, count: int, status: int, **match: Any) -> dict[str, Any]:
        """The next `count` matching requests answer `status` (e.g. 429, 500, 503)."""
        return self.add_fault("error", status=status, count=count, **match)

    def fail_rate(self, rate: float, status: int, seed: int = 0, **match: Any) -> dict[str, Any]:
        """A share `rate` of matching requests answer `status` (seeded: runs repeat exactly)."""
        return self.add_fault("error", status=status, rate=rate, seed=seed, **match)

    def add_latency(self, seconds: float, count: int | None = None, **match: Any) -> dict[str, Any]:
        """Delay matching requests."""
        return self.add_fault("latency", seconds=seconds, count=count, **match)

    def lose_reply(self, count: int = 1, mode: str = "500", **match: Any) -> dict[str, Any]:
        """Apply the next `count` matching writes, then answer 500 (`mode="500"`) or drop the connection (`"drop"`)."""
        return self.add_fault("lost_reply", count=count, mode=mode, **match)

    def calendar_quota_exceeded(self, count: int = 1) -> dict[str, Any]:
        """Calendar's 403 `usageLimits/quotaExceeded` for the next `count` Calendar requests."""
        return self.add_fault(
            "error", status=403, reason="quotaExceeded", api="calendar", count=count
        )

    def deny(self, resource_id: str, count: int | None = None) -> dict[str, Any]:
        """403 permission denied on every request touching this spreadsheet/file/form/calendar id."""
        return self.add_fault("error", status=403, resource=resource_id, count=count)

    # Google's own doings --------------------------------------------------------------------
    def invisible_change(self, file_id: str, modified_time: bool = False) -> dict[str, Any]:
        """Move a Drive file's `version` (and its `modifiedTime` when asked) as Google does for
        changes that leave the content as it was."""
        return self._call(
            "POST", f"drive/files/{file_id}/invisible-change", {"modifiedTime": modified_time}
        )

    def make_private(self, file_id: str, private: bool = True) -> dict[str, Any]:
        """Take the file away from the caller (Sheets then answers 403, not 404)."""
        return self._call("POST", f"drive/files/{file_id}/private", {"private": private})
