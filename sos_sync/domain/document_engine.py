"""docxtpl made for a night of letters: what every letter from one template shares is done
once per process, not once per letter (`sos_sync.domain.documents` renders with these).

- `Template`: docxtpl's template; its cleaning of each part's XML before Jinja reads it
  (`patch_xml`, which depends on that XML only) is kept per part.
- `CompiledOnce`: a strict, autoescaping Jinja environment that compiles each part (body,
  header, footer, properties) once.
- `stable_zip`: the saved .docx with fixed entry times, so the same inputs give the same
  bytes every night; the times are set in the zip's headers, nothing is compressed again.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
from collections.abc import Callable, Mapping
from typing import Any

import jinja2
from docxtpl import DocxTemplate

_COMPILED_KEPT = 64  # parts of templates: a template edited many times in one process
_DOS_DATE_1980 = (0 << 9) | (1 << 5) | 1  # 1 January 1980, the earliest a zip can hold
_CENTRAL = 0x02014B50


class Template(DocxTemplate):  # type: ignore[misc]  # docxtpl has no type hints
    """docxtpl's template, with each part's XML cleaned for Jinja once per process."""

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)


@functools.lru_cache(maxsize=32)
def _patched(src_xml: str) -> str:
    patched: str = DocxTemplate.patch_xml(None, src_xml)  # reads nothing of the template
    return patched


class CompiledOnce(jinja2.Environment):
    """Strict, autoescaping Jinja with `filters` that compiles each source once."""

    def __init__(self, filters: Mapping[str, Callable[..., Any]]) -> None:
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined)
        self.filters.update(filters)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        found = self._compiled.get(source)
        if found is None:
            if len(self._compiled) >= _COMPILED_KEPT:
                self._compiled.clear()
            found = self._compiled[source] = super().from_string(source)
        return found


def stable_zip(data: bytes) -> bytes:
    """The zip with every entry dated 1 January 1980 00:00 (its local and central headers)."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        pos = zf.start_dir  # where the central directory starts
    for info in infos:
        struct.pack_into("<HH", out, info.header_offset + 10, 0, _DOS_DATE_1980)
        (signature,) = struct.unpack_from("<I", out, pos)
        if signature != _CENTRAL:
            raise ValueError("not a zip this code wrote: central directory not found")
        struct.pack_into("<HH", out, pos + 12, 0, _DOS_DATE_1980)
        name, extra, comment = struct.unpack_from("<HHH", out, pos + 28)
        pos += 46 + name + extra + comment
    return bytes(out)
