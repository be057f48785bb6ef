"""A tiny SMTP server for tests: accepts mail on 127.0.0.1 and keeps what arrived.

Speaks enough of RFC 5321 for smtplib: EHLO/HELO, optional AUTH PLAIN, MAIL, RCPT, DATA
(with dot-unstuffing), RSET, NOOP, QUIT. It never offers STARTTLS, so a client that
insists on it gets smtplib's "not supported" error, as with a misconfigured relay.
"""

from __future__ import annotations

import base64
import socketserver
import threading
from dataclasses import dataclass, field
from types import TracebackType


@dataclass
class Delivered:
    """One message as the server received it."""

    mail_from: str
    rcpt_to: list[str]
    data: bytes
    login: str | None


@dataclass
class _State:
    credentials: tuple[str, str] | None
    refuse: set[str]
    messages: list[Delivered] = field(default_factory=list)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _send(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        state = self.server.state
        self._send("220 sink ESMTP ready")
        mail_from, login = "", None
        rcpts: list[str] = []
        while raw := self.rfile.readline():
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                extra = ["250-AUTH PLAIN"] if state.credentials else []
                for reply in ["250-sink", *extra, "250-8BITMIME", "250 SMTPUTF8"]:
                    self._send(reply)
            elif verb == "HELO":
                self._send("250 sink")
            elif line.upper().startswith("AUTH PLAIN "):
                parts = base64.b64decode(line[11:]).split(b"\0")
                user, password = parts[1].decode(), parts[2].decode()
                if state.credentials == (user, password):
                    login = user
                    self._send("235 2.7.0 Authentication successful")
                else:
                    self._send("535 5.7.8 Authentication credentials invalid")
            elif verb == "MAIL":
                mail_from, rcpts = line.split(":", 1)[1].split()[0].strip("<>"), []
                self._send("250 OK")
            elif verb == "RCPT":
                rcpt = line.split(":", 1)[1].strip().strip("<>")
                if rcpt in state.refuse:
                    self._send("550 5.1.1 No such user")
                else:
                    rcpts.append(rcpt)
                    self._send("250 OK")
            elif verb == "DATA":
                self._send("354 End data with <CR><LF>.<CR><LF>")
                body: list[bytes] = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                state.messages.append(Delivered(mail_from, rcpts, b"".join(body), login))
                self._send("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self._send("250 OK")
            elif verb == "QUIT":
                self._send("221 Bye")
                return
            else:
                self._send("502 5.5.2 Command not recognised")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    state: _State


class SmtpSink:
    """`with SmtpSink() as sink:` serves on `sink.port` until the block ends.

    Args:
        credentials: (user, password) to require AUTH PLAIN; None offers no AUTH.
        refuse: recipient addresses answered with 550.
    """

    def __init__(
        self, credentials: tuple[str, str] | None = None, refuse: set[str] | None = None
    ) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = _State(credentials, refuse or set())
        self.host = "127.0.0.1"
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def messages(self) -> list[Delivered]:
        return self._server.state.messages

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
