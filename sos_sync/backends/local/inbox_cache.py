"""The inbox's responses through the parse cache (`parse_cache.py`): exports whose names
and bytes are those of the night before are not parsed again.

The key covers every export's name and bytes and the forms' configuration (titles,
fields), so a renamed, re-saved, added or removed export, or an edited form mapping, is
read afresh. Responses are personal data: an entry is kept only while the workspace
keeps responses (no `[retention] responses_days`) and nobody is on the erasure list, so
it never holds anything the exports in the inbox do not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sos_sync.backends.base import ResponsesRead
from sos_sync.backends.local.exports.files import export_files
from sos_sync.backends.local.parse_cache import digest
from sos_sync.domain.forms import FORM_KINDS, FormKind, FormSpec
from sos_sync.domain.responses import RawResponse

CACHE_NAME = "inbox"


def inbox_key(
    contents: Mapping[Path, bytes], forms: Mapping[FormKind, FormSpec], label: str
) -> str:
    """The key of one night's exports: their names and bytes, and the forms they are read for."""
    parts = [
        f"{p.name}\x1f{hashlib.sha256(data).hexdigest()}" for p, data in sorted(contents.items())
    ]
    config = repr(sorted(forms.items()))
    return digest("\n".join(parts).encode(), CACHE_NAME, label, config)


def inbox_still(
    inbox: Path,
    forms: Mapping[FormKind, FormSpec],
    label: str,
    key: str,
    may_keep: Callable[[], bool],
) -> Callable[[], bool]:
    """A check that the inbox still holds those exports, and that they may be kept."""

    def check() -> bool:
        try:
            contents = {p: p.read_bytes() for p in export_files(inbox)}
        except OSError:
            return False
        return may_keep() and inbox_key(contents, forms, label) == key

    return check


def _form_json(responses: list[RawResponse]) -> dict[str, Any]:
    """One form's responses: each row's answers as values, their field names kept once."""
    names: dict[tuple[str, ...], int] = {}
    rows = []
    for r in responses:
        fields = tuple(r.answers)
        at = names.setdefault(fields, len(names))
        values = [list(v) if isinstance(v, tuple) else v for v in r.answers.values()]
        lists = any(isinstance(v, tuple) for v in r.answers.values())
        rows.append(
            [r.response_id, r.submitted_raw, r.email, at, values, lists, r.source, list(r.aliases)]
        )
    return {"fields": [list(f) for f in names], "rows": rows}


def to_json(read: ResponsesRead) -> dict[str, Any]:
    return {
        "responses": {k: _form_json(rs) for k, rs in read.responses.items()},
        "failed": dict(read.failed),
    }


def from_json(payload: Any) -> ResponsesRead:
    """The responses kept (an entry the cache has checked against its checksum); TypeError,
    KeyError or ValueError when it is not one."""
    kinds = {str(k): k for k in FORM_KINDS}
    read = ResponsesRead()
    for name, form in payload["responses"].items():
        kind = kinds[name]
        fields = [tuple(f) for f in form["fields"]]
        out: list[RawResponse] = []
        for rid, submitted, email, at, values, lists, source, aliases in form["rows"]:
            if lists:
                values = [tuple(v) if v.__class__ is list else v for v in values]
            answers = dict(zip(fields[at], values, strict=True))
            out.append(RawResponse(kind, rid, submitted, email, answers, source, tuple(aliases)))
        read.responses[kind] = out
    for name, why in payload["failed"].items():
        read.failed[kinds[name]] = str(why)
    return read
