"""Form responses from Google (SPEC §3): the Forms API with an incremental cursor, or a linked tab.

Forms API: `forms.get` maps each configured question title (forgiving case, spacing and
dash style) to its questionId; a mapped question missing from the form fails that form
closed. Responses are listed page by page; after the first night only those submitted
since the newest one already read, minus an overlap window, are asked for
(`filter=timestamp >= T`), with a full pass every `full_pass_every_days` (edits the
filter may not show, deletions). The planner rebuilds every row each night, so the
responses read are merged into a cache of those already read (by responseId, the newest
`lastSubmittedTime` wins: an edited response replaces its old answers). The cache, and
with it the cursor, is saved only once the night's writes have landed (`commit`).

A form with `response_tab` and no `form_id` is read from its linked response tab in the
tracker spreadsheet instead (`response_tab.py`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sos_sync.backends.base import ResponsesRead
from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.response_tab import read_response_tabs
from sos_sync.backends.local.inbox import fold_title, missing_questions_reason
from sos_sync.config.load import Config
from sos_sync.domain.forms import FORM_KINDS, FormKind, FormSpec
from sos_sync.domain.privacy import (
    ERASED,
    PERSONAL_EMAIL,
    PERSONAL_TEXT,
    matches,
    too_old,
)
from sos_sync.domain.responses import Answer, RawResponse
from sos_sync.files import atomic_write_text
from sos_sync.run.suppression import load_suppression

CACHE_FILE = Path("state") / "google-responses.json"
UTC = dt.UTC
_STAMP = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z\Z")

Cached = dict[str, Any]  # {"t": lastSubmittedTime, "e": email, "a": {questionId: [values]}}


def stamp_nanos(stamp: str) -> int:
    """An RFC 3339 `Z` time as integer nanoseconds (all 9 fraction digits kept); -1 if not one."""
    m = _STAMP.match(stamp)
    if not m:
        return -1
    whole = dt.datetime.fromisoformat(m.group(1)).replace(tzinfo=UTC)
    return int(whole.timestamp()) * 1_000_000_000 + int((m.group(2) or "").ljust(9, "0"))


def rfc3339(moment: dt.datetime) -> str:
    """A time as the Forms API writes and filters it: UTC, microseconds, `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def question_map(form: dict[str, Any], spec: FormSpec) -> tuple[dict[str, str], list[str]]:
    """Field name -> questionId for a form, and the titles it lacks."""
    by_title: dict[str, str] = {}
    for item in form.get("items", []):
        question = (item.get("questionItem") or {}).get("question")
        if question and item.get("title") is not None:
            by_title.setdefault(fold_title(str(item["title"])), str(question["questionId"]))
    out: dict[str, str] = {}
    missing: list[str] = []
    for f in spec.fields:
        qid = by_title.get(fold_title(f.title))
        if qid is None:
            missing.append(f.title)
        else:
            out[f.name] = qid
    return out, missing


def to_raw(
    spec: FormSpec, response_id: str, cached: Cached, qmap: dict[str, str], form_id: str
) -> RawResponse:
    """A cached Forms response as the core's RawResponse (checkboxes as tuples)."""
    answers: dict[str, Answer] = {}
    given: dict[str, list[str]] = cached.get("a", {})
    for f in spec.fields:
        values = given.get(qmap[f.name], [])
        if f.type == "checkbox":
            answers[f.name] = tuple(values)
        else:
            answers[f.name] = ", ".join(values)
    return RawResponse(
        kind=spec.kind,
        response_id=response_id,
        submitted_raw=str(cached.get("t", "")),
        email=str(cached.get("e", "")).strip(),
        answers=answers,
        source=f"Google Form {form_id} response {response_id}",
    )


def compact(response: dict[str, Any]) -> Cached:
    """What the cache keeps of a FormResponse: time, e-mail, answers by questionId."""
    answers: dict[str, list[str]] = {}
    for qid, answer in (response.get("answers") or {}).items():
        values = [
            str(a.get("value", "")) for a in (answer.get("textAnswers") or {}).get("answers", [])
        ]
        if not values and answer.get("fileUploadAnswers"):
            values = [
                str(a.get("fileName") or a.get("fileId"))
                for a in answer["fileUploadAnswers"].get("answers", [])
            ]
        answers[str(qid)] = values
    out: Cached = {"t": str(response.get("lastSubmittedTime", "")), "a": answers}
    if response.get("respondentEmail"):
        out["e"] = str(response["respondentEmail"])
    return out


class GoogleResponseSource:
    """Every form's responses: Forms API (cached, incremental) or the linked response tab."""

    def __init__(
        self,
        config: Config,
        clients: GoogleClients,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(UTC),
    ) -> None:
        self.config = config
        self.clients = clients
        self.now = now
        self.path = config.workspace / CACHE_FILE
        self._pending: dict[str, Any] | None = None  # the cache to save once writes landed
        self.filters: dict[str, str | None] = {}  # the filter each form was listed with tonight

    # ------------------------------------------------------------------ cache
    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"version": 1, "forms": {}}
        if not isinstance(data, dict) or data.get("version") != 1:
            return {"version": 1, "forms": {}}
        return data

    def _save(self, data: dict[str, Any]) -> None:
        atomic_write_text(
            self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        )

    def commit(self) -> None:
        """Save what this night read (cache and cursor); call once its writes have landed."""
        if self._pending is not None:
            self._save(self._pending)
            self._pending = None

    # ------------------------------------------------------------------ reading
    def read_responses(self) -> ResponsesRead:
        """Every form's responses (all of them, from cache plus what is new)."""
        before = sum(self.clients.requests().values())
        result = ResponsesRead()
        stored = self._load()
        updated: dict[str, Any] = {"version": 1, "forms": dict(stored.get("forms", {}))}
        tab_kinds: list[FormKind] = []
        for kind in FORM_KINDS:
            settings = self.config.form_settings[kind]
            if settings.form_id:
                self._read_form(kind, settings.form_id, stored, updated, result)
            elif settings.response_tab:
                tab_kinds.append(kind)
            else:
                result.responses[kind] = []
        if tab_kinds:
            read_response_tabs(self.config, self.clients, tab_kinds, result)
        self._pending = None
        if updated != stored:
            if _responses_of(updated) == _responses_of(stored):
                # nothing new was read, only the full-pass date moved: safe to keep now
                self._save(updated)
            else:
                self._pending = updated
        result.requests = sum(self.clients.requests().values()) - before
        return result

    def _read_form(
        self,
        kind: FormKind,
        form_id: str,
        stored: dict[str, Any],
        updated: dict[str, Any],
        result: ResponsesRead,
    ) -> None:
        spec = self.config.forms[kind]
        forms = self.clients.service("forms").forms()
        share = f"the form {form_id} (add it as a collaborator: Editor)"
        form = self.clients.call(
            lambda: forms.get(formId=form_id).execute(),
            f"the {spec.label.lower()} form {form_id}",
            share,
        )
        qmap, missing = question_map(form, spec)
        if missing:
            result.failed[kind] = missing_questions_reason(spec, f"Google Form {form_id}", missing)
            return
        entry = stored.get("forms", {}).get(kind) or {}
        cache: dict[str, Cached] = (
            dict(entry.get("responses", {})) if entry.get("form_id") == form_id else {}
        )
        now = self.now()
        last_full = entry.get("full_pass") if cache else None
        every = dt.timedelta(days=self.config.raw.google.full_pass_every_days)
        full = not last_full or now - dt.datetime.fromisoformat(str(last_full)) >= every
        flt: str | None = None
        if not full:
            newest = max(cache.values(), key=lambda c: stamp_nanos(str(c.get("t", ""))))
            cursor = _parse_stamp(str(newest["t"]))
            if cursor is None:
                full = True
            else:
                since = cursor - dt.timedelta(minutes=self.config.raw.google.overlap_minutes)
                flt = f"timestamp >= {rfc3339(since)}"
        self.filters[kind] = flt
        listed = self._list(forms, form_id, flt, spec.label.lower(), share)
        if full:
            merged: dict[str, Cached] = {}
        else:
            merged = dict(cache)
        for rid, item in listed.items():
            old = merged.get(rid)
            if old is None or stamp_nanos(item["t"]) >= stamp_nanos(str(old.get("t", ""))):
                merged[rid] = item
        suppressed = load_suppression(self.config.workspace)
        days = self.config.raw.retention.responses_days
        today = now.date()
        for rid, item in list(merged.items()):  # the cache keeps no erased person's details
            raw = to_raw(spec, rid, item, qmap, form_id)
            if matches(raw, suppressed) or too_old(
                raw, _parse_stamp(raw.submitted_raw), today, days
            ):
                merged[rid] = _redacted(item, qmap)
        new_entry = {
            "form_id": form_id,
            "full_pass": now.isoformat() if full else str(last_full),
            "responses": merged,
        }
        updated["forms"][kind] = new_entry
        result.responses[kind] = [
            to_raw(spec, rid, c, qmap, form_id)
            for rid, c in sorted(
                merged.items(), key=lambda kv: (stamp_nanos(str(kv[1].get("t", ""))), kv[0])
            )
        ]

    def _list(
        self, forms: Any, form_id: str, flt: str | None, label: str, share: str
    ) -> dict[str, Cached]:
        out: dict[str, Cached] = {}
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"formId": form_id, "pageSize": 5000}
            if flt:
                kwargs["filter"] = flt
            if token:
                kwargs["pageToken"] = token
            page = self.clients.call(
                forms.responses().list(**kwargs).execute,
                f"the responses of the {label} form {form_id}",
                share,
            )
            for response in page.get("responses", []):
                out[str(response["responseId"])] = compact(response)
            token = page.get("nextPageToken")
            if not token:
                return out


def _redacted(item: Cached, qmap: dict[str, str]) -> Cached:
    answers = {k: list(v) for k, v in dict(item.get("a", {})).items()}
    for f in PERSONAL_TEXT:
        if qmap.get(f) in answers and answers[qmap[f]]:
            answers[qmap[f]] = [ERASED]
    for f in PERSONAL_EMAIL:
        if qmap.get(f) in answers:
            answers[qmap[f]] = []
    return {"t": item.get("t", ""), "a": answers}


def _parse_stamp(stamp: str) -> dt.datetime | None:
    m = _STAMP.match(stamp)
    if not m:
        return None
    micro = (m.group(2) or "")[:6].ljust(6, "0")
    return dt.datetime.fromisoformat(f"{m.group(1)}.{micro}").replace(tzinfo=UTC)


def _responses_of(data: dict[str, Any]) -> dict[str, Any]:
    return {
        kind: (entry.get("form_id"), entry.get("responses"))
        for kind, entry in data.get("forms", {}).items()
    }
