"""Review, then send, on the emulator: Google Docs, Drive's PDF export, SMTP (SPEC §8)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
from pathlib import Path
from typing import Any

from conftest import Night, tab_rows
from pypdf import PdfReader
from smtp_sink import SmtpSink

from sos_sync.config.load import load_config


def _mark(gc: Any, ws: Path, keys: list[str]) -> None:
    sheet = gc.open_by_key(load_config(ws).raw.google.spreadsheet_id).worksheet("Documents")
    values = sheet.get_all_values()
    header = values[0]
    for key in keys:
        row = next(i + 1 for i, r in enumerate(values) if r[0] == key)
        sheet.update_cell(row, header.index("Send") + 1, "Yes")


def test_two_marked_google_docs_go_once_each_with_drives_pdf(
    google_ws: Path, night: Night, gc: Any
) -> None:
    with SmtpSink() as sink:
        cfg = google_ws / "sos-sync.toml"
        cfg.write_text(
            cfg.read_text()
            + f'\n[report.mail]\nhost = "{sink.host}"\nport = {sink.port}\nstarttls = false\n'
            'sender = "sanctuary@example.org"\nrecipients = []\ntimeout_seconds = 5\n'
        )
        night(google_ws)
        schools = {s["URN"]: s for s in tab_rows(gc, google_ws, "Schools")}
        keys = [
            d["Doc key"]
            for d in tab_rows(gc, google_ws, "Documents")
            if d["Status"] == "Generated" and schools[d["URN"]]["Contact email"]
        ][:2]
        assert len(keys) == 2
        _mark(gc, google_ws, keys)
        night(google_ws, dt.date(2025, 7, 15))
        assert len(sink.messages) == 2
        docs = {d["Doc key"]: d for d in tab_rows(gc, google_ws, "Documents")}
        for key, message in zip(keys, sink.messages, strict=True):
            to = schools[key.split(":")[0]]["Contact email"]
            assert message.rcpt_to == [to]
            parsed = email.message_from_bytes(message.data, policy=email.policy.default)
            [pdf] = list(parsed.iter_attachments())
            text = PdfReader(io.BytesIO(pdf.get_content())).pages[0].extract_text()
            assert schools[key.split(":")[0]]["School"].split()[0] in text  # Drive's export
            assert docs[key]["Sent to"] == to and docs[key]["Sent on"].startswith("2025-07-15")
        night(google_ws, dt.date(2025, 7, 16))
        assert len(sink.messages) == 2
