"""The exports in an inbox folder, as tables of text, whatever each file is called.

`.csv`/`.tsv` files, `.xlsx` workbooks, and the `.zip` Google Forms downloads (each
`.csv` or `.xlsx` inside is one export). Lock and temporary files (`~$x.xlsx`,
`.~lock.x.csv#`, hidden files) are not exports. A file that cannot be read becomes a
table with a `problem` and no rows, so the form it was meant for can say why.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sos_sync.backends.local.exports import ExportProblem
from sos_sync.backends.local.exports.decoding import decode_export
from sos_sync.backends.local.exports.delimited import read_delimited
from sos_sync.backends.local.exports.workbook import read_workbook_rows

TEXT_SUFFIXES = frozenset((".csv", ".tsv"))
EXPORT_SUFFIXES = TEXT_SUFFIXES | {".xlsx", ".zip"}


@dataclass(frozen=True)
class ExportTable:
    """One export: where it is (`inbox/x.csv`, `inbox/x.zip › x.csv`), its stem, and its rows."""

    where: str
    stem: str
    rows: tuple[tuple[str, ...], ...] = ()
    problem: str = ""

    @property
    def header(self) -> tuple[str, ...]:
        return self.rows[0] if self.rows else ()


def is_export(path: PurePosixPath | Path) -> bool:
    name = path.name
    if name.startswith((".", "~$")) or name.endswith("#"):
        return False
    return path.suffix.lower() in EXPORT_SUFFIXES


def _table(
    data: bytes,
    suffix: str,
    where: str,
    stem: str,
    known: Collection[str],
    fold: Callable[[str], str],
) -> ExportTable:
    if not data:
        return ExportTable(where, stem, problem=f"{where} is empty (0 bytes).")
    try:
        if suffix == ".xlsx":
            rows = read_workbook_rows(data, where)
        else:
            rows = read_delimited(decode_export(data, where), where, known, fold)
    except ExportProblem as exc:
        return ExportTable(where, stem, problem=str(exc))
    return ExportTable(where, stem, tuple(tuple(r) for r in rows))


def _zip_tables(
    data: bytes, where: str, known: Collection[str], fold: Callable[[str], str]
) -> list[ExportTable]:
    stem = PurePosixPath(where).name.removesuffix(".zip").removesuffix(".csv")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = [
                m for m in z.infolist() if not m.is_dir() and is_export(PurePosixPath(m.filename))
            ]
            return [
                _table(
                    z.read(m),
                    PurePosixPath(m.filename).suffix.lower(),
                    f"{where} › {m.filename}",
                    PurePosixPath(m.filename).stem,
                    known,
                    fold,
                )
                for m in members
                if PurePosixPath(m.filename).suffix.lower() != ".zip"
            ]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        return [
            ExportTable(
                where,
                stem,
                problem=f"{where} cannot be opened as a .zip ({exc}): it is damaged or was cut "
                "short. Download the responses again.",
            )
        ]


def read_export_file(
    path: Path,
    where: str,
    known: Collection[str],
    fold: Callable[[str], str],
    data: bytes | None = None,
) -> list[ExportTable]:
    """The export(s) in one file (its bytes, when already read): one table, or one per
    export inside a .zip."""
    data = path.read_bytes() if data is None else data
    suffix = path.suffix.lower()
    if suffix == ".zip" and data:
        return _zip_tables(data, where, known, fold)
    return [_table(data, suffix, where, path.stem, known, fold)]


def export_files(inbox: Path) -> list[Path]:
    """The exports in the folder (not its subfolders), in name order."""
    return sorted(p for p in inbox.iterdir() if p.is_file() and is_export(p))


def scan_inbox(
    inbox: Path,
    known: Collection[str],
    fold: Callable[[str], str],
    label: str = "inbox",
    contents: Mapping[Path, bytes] | None = None,
) -> list[ExportTable]:
    """Every export in the folder (not its subfolders), in name order; `contents`: the
    files' bytes, when already read."""
    tables: list[ExportTable] = []
    for path in export_files(inbox) if contents is None else sorted(contents):
        data = None if contents is None else contents[path]
        tables.extend(read_export_file(path, f"{label}/{path.name}", known, fold, data))
    return tables
