"""A cheap key of a document's inputs, so a night finds an unchanged document without
validating and hashing its whole context again (SPEC §8: regenerate only when inputs change).

`inputs_key` covers everything `inputs_hash` reads: the context as given (without
`generated_on`), the template's and the logo's bytes (their digests, cached while the files
are unchanged) and this version of sos-sync (whose models and hashing may change). The same
key therefore means the same `inputs_hash`; a different key only means "hash it again".
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sos_sync import __version__
from sos_sync.domain.documents import TemplateError, file_digest, template_path

_KEYED_BY = f"sos-sync {__version__} inputs key 1"


def inputs_key(kind: str, context: Mapping[str, Any], templates_dir: Path) -> str:
    """The key of the document's inputs; "" when they cannot be keyed (a missing template or
    logo, a value pickle cannot hold): the caller then hashes them, which reports why."""
    try:
        letterhead = context.get("letterhead") or {}
        logo = letterhead.get("logo", "") if isinstance(letterhead, Mapping) else letterhead
        given = [(k, v) for k, v in context.items() if k != "generated_on"]
        inputs = (
            _KEYED_BY,
            kind,
            file_digest(template_path(kind, templates_dir)),
            file_digest(Path(logo)) if isinstance(logo, str) and logo else repr(logo),
            given,
        )
        out = io.BytesIO()
        pickler = pickle.Pickler(out, protocol=5)
        pickler.fast = True  # no memo: the bytes depend on the values, not on shared objects
        pickler.dump(inputs)
    except (TemplateError, pickle.PicklingError, TypeError, AttributeError, ValueError):
        return ""
    return hashlib.blake2b(out.getvalue(), digest_size=16).hexdigest()
