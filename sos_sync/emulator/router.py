"""Route one API call on its raw path, validate it, apply faults and quotas, run it, answer like Google.

Routing happens on the still-percent-encoded path (gspread encodes `'Tab'!A1:B2` whole, so the
only literal colons are `:append`, `:clear`, `:batchUpdate` ...). Every API request is counted;
every successful write is persisted before its reply is sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from email import message_from_bytes
from email.message import Message
from typing import Any, cast

from sos_sync.emulator import (
    calendar,
    discovery,
    docs,
    drive,
    drive_sharing,
    fields,
    forms,
    proto_json,
    sheets,
    sheets_values,
)
from sos_sync.emulator.core import Core
from sos_sync.emulator.errors import ApiError
from sos_sync.emulator.request import Request

Handler = Callable[[Request], tuple[int, Any]]
MAX_PAYLOAD = 10_485_760

HANDLERS: dict[str, Handler] = {
    **sheets.HANDLERS,
    **sheets_values.HANDLERS,
    **forms.HANDLERS,
    **calendar.HANDLERS,
    **drive.HANDLERS,
    **drive_sharing.HANDLERS,
    **docs.HANDLERS,
}


def _parse_upload(
    query: dict[str, list[str]], headers: dict[str, str], body: bytes
) -> tuple[Any, bytes | None, str | None]:
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    upload_type = (query.get("uploadType") or ["media"])[0]
    if upload_type == "multipart" or content_type.startswith("multipart/"):
        message: Message = message_from_bytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        parts = message.get_payload() if message.is_multipart() else []
        if not isinstance(parts, list) or not parts:
            raise ApiError(400, "Malformed multipart body.", reason="badContent")
        first = cast(Message, parts[0])
        metadata = json.loads(cast(bytes, first.get_payload(decode=True)) or b"{}")
        media: bytes | None = None
        media_type: str | None = None
        if len(parts) > 1:
            second = cast(Message, parts[1])
            media = cast(bytes, second.get_payload(decode=True)) or b""
            media_type = second.get_content_type()
        return metadata, media, media_type
    if upload_type == "resumable":
        raise ApiError(400, "Resumable uploads are not emulated; use uploadType=multipart.")
    return None, body, content_type.split(";")[0].strip() or "application/octet-stream"


def call(
    server: Core,
    http_method: str,
    raw_path: str,
    query: dict[str, list[str]],
    body: bytes,
    headers: dict[str, str],
) -> tuple[int, Any, str | None]:
    """Route, validate, fault, apply, persist and count one API request."""
    match = discovery.route(http_method, raw_path)
    if match is None:
        api = _guess_api(raw_path)
        error = ApiError(404, f"Method not found: {http_method} {raw_path}")
        server.stats.record(api, "unknown", http_method, raw_path, 404, [])
        return 404, error.body(api), None
    api = match.route.api
    method_id = match.route.method_id
    is_write = http_method != "GET"
    outcome = server.faults.decide(api, method_id, is_write, set(match.path_params.values()))
    if outcome.delay:
        time.sleep(outcome.delay)
    status: int
    payload: Any
    try:
        if outcome.error is not None:
            raise outcome.error
        settings = server.state.settings
        server.quotas.check(
            api,
            is_write,
            (settings.get("quotas") or {}).get(api),
            float(settings.get("quotaWindowSeconds") or 60),
        )
        if len(body) > MAX_PAYLOAD:
            raise ApiError(400, f"Request payload size exceeds the limit: {MAX_PAYLOAD} bytes.")
        discovery.validate_query(match, query)
        media: bytes | None = None
        media_type: str | None = None
        parsed: Any = None
        if match.route.upload:
            parsed, media, media_type = _parse_upload(query, headers, body)
        elif body:
            try:
                parsed = json.loads(body)
            except ValueError as exc:
                raise ApiError(400, "Invalid JSON payload received.", reason="parseError") from exc
        discovery.validate_body(match, parsed)
        request = Request(
            api=api,
            method_id=method_id,
            http_method=http_method,
            path_params=match.path_params,
            query=query,
            body=parsed,
            state=server.state,
            headers=headers,
            media=media,
            media_type=media_type,
            upload=match.route.upload,
        )
        handler = HANDLERS.get(method_id)
        if handler is None:
            raise ApiError(501, f"{method_id} is not emulated.", status="UNIMPLEMENTED")
        with server.state.lock:
            status, payload = handler(request)
            if is_write and status < 400:
                server.state.save()
        if api in ("sheets", "forms") and payload is not None and status < 400:
            payload = proto_json.omit_defaults(payload)
        selector = query.get("fields")
        if selector and payload is not None and status < 400:
            payload = fields.apply(payload, fields.parse(selector[0]))
    except ApiError as exc:
        status, payload = exc.code, exc.body(api)
    lost = outcome.lost_reply if status < 400 else None
    if lost == "500":
        status, payload = 500, ApiError(500, "Internal error encountered.").body(api)
    server.stats.record(api, method_id, http_method, raw_path, status, outcome.fired)
    return status, payload, lost


def _guess_api(raw_path: str) -> str:
    for prefix, api in (
        ("/v4/", "sheets"),
        ("/drive/", "drive"),
        ("/upload/drive/", "drive"),
        ("/calendar/", "calendar"),
        ("/v1/forms", "forms"),
        ("/v1/documents", "docs"),
    ):
        if raw_path.startswith(prefix):
            return api
    return "unknown"
