"""The template and logo files documents are made from: read and hashed once while they are
unchanged, and what a template contributes to an inputs hash (`template_digest`)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from sos_sync.errors import ConfigError


class TemplateError(ConfigError):
    """A template is missing, malformed or uses a field the context does not have.

    The message names the template file, e.g. ``templates/award_letter.docx: 'dict object'
    has no attribute 'nmae'``. A context that does not match its kind's model is reported
    the same way (a fault in the caller, not in a school's answers).
    """

    def __init__(self, message: str, template: str | None = None, line: int | None = None):
        super().__init__(message)
        self.template = template
        self.line = line


_FileKey = tuple[Path, int, int]  # a file as it is now: path, mtime (ns), size


def file_key(path: Path) -> _FileKey:
    """The file's path and its current mtime and size: an edited file is read again."""
    try:
        stat = path.stat()
    except OSError:
        raise TemplateError(
            f"{path}: template not found. Copy it from sos-sync's templates/ folder.",
            template=path.name,
        ) from None
    return path, stat.st_mtime_ns, stat.st_size


def read_template(path: Path) -> bytes:
    return _read_cached(*file_key(path))


def file_digest(path: Path) -> str:
    """sha256 (hex) of the file's bytes, hashed once while the file is unchanged.

    Raises:
        TemplateError: the file is not there.
    """
    return _digest_cached(*file_key(path))


# The shipped templates slimmed of unused styles (December 2026) make the
# same letters, byte for byte, as the templates first shipped: documents made from those
# are not made again. Their digest stands for the slimmed file's in every inputs hash.
_SAME_LETTERS = {
    "e26946b598a9b942b77786b7e92079c0a8a776c82cf3cb45bc2aec058e413f34": (
        "0f8d1cd8462732865bbaebab77489dd9a74e395c9c683550f84533fd537b2958"  # application
    ),
    "6a51a6d16a0deaac2058767c8f9565632690e9e6d2a0a4efea80c2f03388eb83": (
        "ce56ec31fec8a673fa10857fa848688db23076d13c390fe0f34919ac078084ec"  # audit
    ),
    "d327069ec198fd11a3c3aac6c233150018421ef66bebceccf0c62bad1c3b1295": (
        "a9d8589a5c5b74335e1a198b290360c0e28ef0345edb431544225ec8b6ff7030"  # certificate
    ),
    "90f05221e4c7daa723c9033c06a2cdc351be083e8bd316662cac5218c762e360": (
        "669013b22c2dafebbd73f9cb6fa23db36221b81b637402dd6fa57f82ee8c8cf5"  # award letter
    ),
    "faf9339839ed8efe640718b5e4dd0ff1f0580c12c3233e787f12d4b770c16704": (
        "fe974a6d52a96ec0a3aad16bfc573905e642492d56096af06cef3087187e9902"  # reminder
    ),
}


def template_digest(path: Path) -> str:
    """What a template contributes to an inputs hash: its digest (`file_digest`), or for a
    shipped template that was only slimmed, the digest of the one it makes the same letters
    as (an upgrade does not make every document again)."""
    digest = file_digest(path)
    return _SAME_LETTERS.get(digest, digest)


@functools.lru_cache(maxsize=32)
def _read_cached(path: Path, mtime_ns: int, size: int) -> bytes:
    return path.read_bytes()


@functools.lru_cache(maxsize=32)
def _digest_cached(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(_read_cached(path, mtime_ns, size)).hexdigest()
