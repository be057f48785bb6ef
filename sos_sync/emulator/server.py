"""The HTTP side: read a request, hand it to the router (or the admin API, or batch), write the reply.

Routing, validation, faults and persistence live in `router`; this module only speaks HTTP.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from sos_sync.emulator import admin, batch, router
from sos_sync.emulator.core import Core
from sos_sync.emulator.state import State


class EmulatorServer(ThreadingHTTPServer, Core):
    """A threading HTTP server around one `Core` (world, faults, quotas, statistics)."""

    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: State) -> None:
        ThreadingHTTPServer.__init__(self, address, EmulatorHandler)
        Core.__init__(self, state)

    @property
    def base_url(self) -> str:
        """`http://host:port` of this server."""
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{name}:{port}"


class EmulatorHandler(BaseHTTPRequestHandler):
    """One HTTP request (keep-alive, HTTP/1.1)."""

    protocol_version = "HTTP/1.1"
    server: EmulatorServer
    server_version = "ESF"
    sys_version = ""

    def setup(self) -> None:
        """Disable Nagle: headers and body go out as separate writes on a kept-alive socket."""
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Stay quiet; the admin API has the request log."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._handle("PUT")

    def do_PATCH(self) -> None:  # noqa: N802
        self._handle("PATCH")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")

    # ------------------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self, http_method: str) -> None:
        raw_path, _, raw_query = self.path.partition("?")
        query = parse_qs(raw_query, keep_blank_values=True)
        body = self._read_body()
        override = self.headers.get("X-HTTP-Method-Override")
        if http_method == "POST" and override:
            http_method = override.upper()
            if "application/x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
                for key, values in parse_qs(body.decode(), keep_blank_values=True).items():
                    query.setdefault(key, []).extend(values)
                body = b""
        try:
            if raw_path.startswith("/_emulator/") or raw_path == "/_emulator":
                status, payload = admin.handle(self.server, http_method, raw_path, query, body)
                self._send(status, payload)
            elif raw_path in ("/token", "/oauth2/v4/token"):
                self._send(*_token(body))
            elif raw_path.startswith("/batch"):
                self._batch(raw_path, body)
            else:
                self._api(http_method, raw_path, query, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _api(
        self, http_method: str, raw_path: str, query: dict[str, list[str]], body: bytes
    ) -> None:
        status, payload, lost = self.server_call(
            http_method, raw_path, query, body, dict(self.headers.items())
        )
        if lost == "drop":
            self.close_connection = True
            with suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(status, payload)

    def server_call(
        self,
        http_method: str,
        raw_path: str,
        query: dict[str, list[str]],
        body: bytes,
        headers: dict[str, str],
    ) -> tuple[int, Any, str | None]:
        """Run one API call; returns (status, JSON payload, lost-reply mode)."""
        return router.call(self.server, http_method, raw_path, query, body, headers)

    def _batch(self, raw_path: str, body: bytes) -> None:
        content_type = self.headers.get("Content-Type") or ""
        status, data, reply_type = batch.handle(self.server, content_type, body)
        self.send_response(status)
        self.send_header("Content-Type", reply_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send(self, status: int, payload: Any) -> None:
        data = b"" if payload is None else json.dumps(payload).encode("utf-8")
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)


def _token(body: bytes) -> tuple[int, Any]:
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    grant = form.get("grant_type", "")
    ok = (grant == "urn:ietf:params:oauth:grant-type:jwt-bearer" and form.get("assertion")) or (
        grant == "refresh_token" and form.get("refresh_token")
    )
    if not ok:
        return 400, {"error": "invalid_grant", "error_description": "Invalid grant."}
    return 200, {"access_token": "emulator-token", "expires_in": 3600, "token_type": "Bearer"}


class RunningEmulator:
    """An emulator serving from a background thread (tests, the demo)."""

    def __init__(self, server: EmulatorServer, thread: threading.Thread) -> None:
        self.server = server
        self.thread = thread

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return self.server.base_url

    @property
    def state(self) -> State:
        """The world it serves."""
        return self.server.state

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def make_server(
    host: str = "127.0.0.1", port: int = 0, state_file: str | Path | None = None
) -> EmulatorServer:
    """A bound (not yet serving) emulator."""
    return EmulatorServer((host, port), State(state_file))


def start_in_thread(
    state_file: str | Path | None = None, host: str = "127.0.0.1", port: int = 0
) -> RunningEmulator:
    """Serve an emulator from a daemon thread; use `.base_url`, then `.stop()` (or `with`)."""
    server = make_server(host, port, state_file)
    thread = threading.Thread(target=server.serve_forever, name="sos-emulator", daemon=True)
    thread.start()
    return RunningEmulator(server, thread)


@contextmanager
def running(state_file: str | Path | None = None) -> Iterator[RunningEmulator]:
    """`with running() as emu:` - an emulator for the length of a block."""
    emu = start_in_thread(state_file)
    try:
        yield emu
    finally:
        emu.stop()
