"""Rewrite a zip (an `.xlsx`) replacing a few members and copying every other one byte for byte.

The members a night does not change keep their compressed bytes exactly as they were
(a lead's styles, comments, drawings and own sheets included): their local headers and
data are copied as they are and only the central directory is written anew.
"""

from __future__ import annotations

import struct
import time
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import BinaryIO

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s4B4H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_DESCRIPTOR_SIG = b"PK\x07\x08"
_LIMIT = 0xFFFFFFFF


def _dos_time(when: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    y, mo, d, h, mi, s = when
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d


class _Entry:
    """What the central directory says about one member of the new zip."""

    def __init__(self, info: zipfile.ZipInfo, offset: int) -> None:
        self.info = info
        self.offset = offset

    def record(self) -> bytes:
        i = self.info
        name = i.filename.encode("utf-8" if i.flag_bits & 0x800 else "cp437")
        t, d = _dos_time(i.date_time)
        head = _CENTRAL.pack(
            b"PK\x01\x02",
            i.create_version,
            i.create_system,
            i.extract_version,
            i.reserved,
            i.flag_bits,
            i.compress_type,
            t,
            d,
            i.CRC,
            i.compress_size,
            i.file_size,
            len(name),
            len(i.extra),
            len(i.comment),
            0,
            i.internal_attr,
            i.external_attr,
            self.offset,
        )
        return head + name + i.extra + i.comment


def _copy_raw(src: BinaryIO, info: zipfile.ZipInfo, out: BinaryIO) -> None:
    src.seek(info.header_offset)
    fixed = src.read(_LOCAL.size)
    fields = _LOCAL.unpack(fixed)
    name_len, extra_len = fields[-2], fields[-1]
    rest = src.read(name_len + extra_len + info.compress_size)
    out.write(fixed + rest)
    if info.flag_bits & 0x08:  # a data descriptor follows the data
        peek = src.read(4)
        tail = src.read(12 if peek == _DESCRIPTOR_SIG else 8)
        out.write(peek + tail)


@dataclass(frozen=True)
class Packed:
    """A member's data deflated ahead of writing the zip (`pack`): a large sheet is held
    compressed, not as its whole XML."""

    deflated: bytes  # raw deflate (no zlib header), as a zip member holds it
    crc: int
    size: int


def pack(chunks: Iterable[str], level: int = 6) -> Packed:
    """The UTF-8 text of `chunks`, deflated as it comes."""
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    out: list[bytes] = []
    crc = size = 0
    for chunk in chunks:
        data = chunk.encode("utf-8")
        crc, size = zlib.crc32(data, crc), size + len(data)
        out.append(comp.compress(data))
    out.append(comp.flush())
    return Packed(b"".join(out), crc, size)


def _new_member(name: str, data: bytes | Packed, level: int) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name, time.localtime()[:6])
    if not isinstance(data, Packed):
        comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = Packed(comp.compress(data) + comp.flush(), zlib.crc32(data), len(data))
    packed = data.deflated
    info.compress_type = zipfile.ZIP_DEFLATED
    info.CRC = data.crc
    info.compress_size, info.file_size = len(packed), data.size
    info.create_version = info.extract_version = 20
    info.create_system = 0
    info.external_attr = 0
    if not name.isascii():
        info.flag_bits |= 0x800
    encoded = name.encode("utf-8" if info.flag_bits & 0x800 else "ascii")
    t, d = _dos_time(info.date_time)
    local = _LOCAL.pack(
        b"PK\x03\x04",
        20,
        info.flag_bits,
        8,
        t,
        d,
        info.CRC,
        len(packed),
        data.size,
        len(encoded),
        0,
    )
    info.extra = b""
    return info, local + encoded + packed


def rewrite_zip(
    source: BinaryIO,
    out: BinaryIO,
    replace: Mapping[str, bytes | Packed],
    add: Mapping[str, bytes | Packed] | None = None,
    level: int = 6,
) -> None:
    """Copy the zip `source` to `out`, with `replace` members new and `add` members appended."""
    entries: list[_Entry] = []
    with zipfile.ZipFile(source) as zf:
        for info in zf.infolist():
            if info.compress_size >= _LIMIT or info.header_offset >= _LIMIT:
                raise ValueError("zip64 members are not copied raw")
            offset = out.tell()
            if info.filename in replace:
                new, raw = _new_member(info.filename, replace[info.filename], level)
                out.write(raw)
                entries.append(_Entry(new, offset))
            else:
                _copy_raw(source, info, out)
                entries.append(_Entry(info, offset))
    for name, data in (add or {}).items():
        offset = out.tell()
        new, raw = _new_member(name, data, level)
        out.write(raw)
        entries.append(_Entry(new, offset))
    start = out.tell()
    for e in entries:
        out.write(e.record())
    size = out.tell() - start
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), size, start, 0))
