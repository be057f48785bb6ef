"""Batch requests (`POST /batch/...`): multipart/mixed of application/http parts, each run as its own call."""

from __future__ import annotations

import json
import secrets
from email import message_from_bytes
from email.message import Message
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import parse_qs

from sos_sync.emulator.core import Core
from sos_sync.emulator.router import call

MAX_CALLS = 1000


def _split_http(raw: bytes) -> tuple[str, str, dict[str, str], bytes]:
    text = raw.replace(b"\r\n", b"\n")
    head, _, body = text.partition(b"\n\n")
    lines = head.decode("utf-8", "replace").split("\n")
    method, target = lines[0].split(" ")[:2]
    headers = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        if key:
            headers[key.strip()] = value.strip()
    return method.upper(), target, headers, body


def handle(server: Core, content_type: str, body: bytes) -> tuple[int, bytes, str]:
    """Run every part; answer multipart/mixed with `Content-ID: <response-...>` parts."""

    message = message_from_bytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    if not message.is_multipart():
        error = {"error": {"code": 400, "message": "Batch requests must be multipart/mixed."}}
        return 400, json.dumps(error).encode(), "application/json; charset=UTF-8"
    parts = message.get_payload()
    assert isinstance(parts, list)
    if len(parts) > MAX_CALLS:
        error = {"error": {"code": 400, "message": f"Too many calls in a batch (max {MAX_CALLS})."}}
        return 400, json.dumps(error).encode(), "application/json; charset=UTF-8"
    boundary = "batch_" + secrets.token_hex(12)
    out: list[bytes] = []
    for item in parts:
        part = cast(Message, item)
        content_id = part.get("Content-ID", "")
        inner = cast(bytes, part.get_payload(decode=True)) or b""
        method, target, headers, inner_body = _split_http(inner)
        path, _, raw_query = target.partition("?")
        if path.startswith("http"):
            path = "/" + path.split("/", 3)[3]
        query = parse_qs(raw_query, keep_blank_values=True)
        status, payload, _lost = call(server, method, path, query, inner_body, headers)
        data: Any = b"" if payload is None else json.dumps(payload).encode()
        reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        response_id = content_id.replace("<", "<response-", 1) if content_id else ""
        out.append(
            (
                f"--{boundary}\r\nContent-Type: application/http\r\n"
                f"Content-ID: {response_id}\r\n\r\n"
                f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=UTF-8\r\n"
                f"Content-Length: {len(data)}\r\n\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return 200, b"".join(out), f"multipart/mixed; boundary={boundary}"
