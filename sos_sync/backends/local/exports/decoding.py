"""An export's bytes as text: UTF-8 (with or without BOM), UTF-16 and Windows-1252.

A strict cascade, so nothing is ever decoded "with replacement" (`�`): a byte-order
mark decides; NUL bytes in the first few kilobytes mean UTF-16 without one; then
UTF-8, then Windows-1252 (what Excel on Windows writes for "CSV (Comma delimited)").
"""

from __future__ import annotations

import codecs

from sos_sync.backends.local.exports import ExportProblem

_SAMPLE = 4096


def _utf16_order(data: bytes) -> str:
    head = data[:_SAMPLE]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return "utf-16-be" if even > odd else "utf-16-le"


def decode_export(data: bytes, where: str) -> str:
    """The text of an export; ExportProblem when it is cut short or no known encoding fits."""
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    elif b"\x00" in data[:_SAMPLE]:
        encodings = (_utf16_order(data),)
    else:
        encodings = ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.reason in ("unexpected end of data", "truncated data") and exc.end >= len(data):
                raise ExportProblem(
                    f"{where} ends in the middle of a character: the file was cut short "
                    "(a download or copy that did not finish). Download the responses again."
                ) from None
    raise ExportProblem(
        f"{where} is not text in UTF-8, UTF-16 or Windows-1252, so it cannot be read. "
        "Download the responses again (in Google Forms: Responses › Download responses (.csv))."
    )
