"""`sos-sync programme import FILE`: the offer file in, the workspace's programme out.

Refuses a file with no offer table (or one whose table yields no event): the programme
is left as it was and the command exits 2. A real import keeps the previous programme
in `backups/` beside it, then replaces the file atomically. `dry_run` reports what
the import would make and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from sos_sync.domain.programme import Programme, dump_programme, load_programme
from sos_sync.errors import ConfigError, UsageError
from sos_sync.files import atomic_write_text
from sos_sync.programme_import.offer import DEFAULT_HEADER, ImportReport, import_offer


@dataclass(frozen=True)
class ImportOutcome:
    """What the import made, and where the previous programme was kept."""

    report: ImportReport
    written: bool
    backup: Path | None = None


def read_offer_text(path: Path) -> str:
    """The offer as text: UTF-8 (with or without BOM), else Windows-1252 as Word saves it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"Cannot read the offer file {path}: {exc.strerror}.") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Word on Windows saves "ANSI" text
    return text.replace("\xa0", " ")


def _header_of(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].removeprefix(" "))
    return "\n".join(lines)


def _existing(programme_path: Path) -> tuple[Programme | None, str]:
    if not programme_path.exists():
        return None, ""
    try:
        existing = load_programme(programme_path)
    except (ValueError, OSError) as exc:
        raise ConfigError(
            f"{programme_path}: not a valid programme ({exc}). Fix or move it, then import again."
        ) from exc
    return existing, _header_of(programme_path.read_text(encoding="utf-8"))


def backup_programme(programme_path: Path, now: dt.datetime | None = None) -> Path:
    """Copy the programme to `backups/<name>-YYYYMMDD-HHMMSS.toml` beside it."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = programme_path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{programme_path.stem}-{stamp}{programme_path.suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{programme_path.stem}-{stamp}-{n}{programme_path.suffix}"
    shutil.copy2(programme_path, target)
    return target


def import_offer_file(path: Path, programme_path: Path, *, dry_run: bool = False) -> ImportReport:
    """Import the offer in `path` into `programme_path` (see `import_programme`)."""
    return import_programme(path, programme_path, dry_run=dry_run).report


def import_programme(path: Path, programme_path: Path, *, dry_run: bool = False) -> ImportOutcome:
    """Import the offer in `path` into the programme file `programme_path`.

    Keeps the keys (and the comment header) of `programme_path` when it exists.

    Raises:
        UsageError: the offer file cannot be read, or holds no offer table (nothing written).
        ConfigError: the existing programme file is not a valid programme.
    """
    text = read_offer_text(path)
    existing, header = _existing(programme_path)
    report = import_offer(text, existing)
    if not report.programme.events:
        raise UsageError(
            "\n".join(
                [
                    f"{path}: no event could be read, so the programme was not changed.",
                    *(f"  ! {w}" for w in report.warnings),
                ]
            )
        )
    if dry_run:
        return ImportOutcome(report, written=False)
    backup = backup_programme(programme_path) if existing is not None else None
    header = header or DEFAULT_HEADER.format(year=report.programme.academic_year).strip()
    atomic_write_text(programme_path, dump_programme(report.programme, header))
    return ImportOutcome(report, written=True, backup=backup)
