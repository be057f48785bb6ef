"""Who has the tracker open: the lock files Excel and LibreOffice leave beside a workbook.

- Excel: `~$tracker.xlsx`, a 165-byte owner file: the first byte is the length of the
  user's name, which follows in the Windows code page (the UTF-16 copy after it is
  ignored).
- LibreOffice: `.~lock.tracker.xlsx#`, one line of text:
  `<name from Tools › Options › User Data>,<system user>,<host>,<date>,<profile>;`
"""

from __future__ import annotations

from pathlib import Path


def _excel_owner(path: Path) -> str:
    data = path.read_bytes()
    if not data:
        return ""
    return data[1 : 1 + data[0]].decode("cp1252", "replace").strip()


def _libreoffice_owner(path: Path) -> tuple[str, str]:
    """(who, since) from a LibreOffice lock file."""
    text = path.read_text(encoding="utf-8", errors="replace").strip().rstrip(";")
    fields = text.split(",")
    who = next((f.strip() for f in fields[:2] if f.strip()), "")
    since = fields[3].strip() if len(fields) > 3 else ""
    return who, since


def held_by(workbook: Path) -> str | None:
    """A sentence naming who holds `workbook` open for editing, or None when it is free."""
    excel = workbook.with_name("~$" + workbook.name)
    office = workbook.with_name(f".~lock.{workbook.name}#")
    if office.exists():
        try:
            who, since = _libreoffice_owner(office)
        except OSError:
            who, since = "", ""
        return (
            f"{workbook.name} is open in LibreOffice"
            + (f" by {who}" if who else "")
            + (f" (since {since})" if since else "")
        )
    if excel.exists():
        try:
            who = _excel_owner(excel)
        except OSError:
            who = ""
        return f"{workbook.name} is open in Excel" + (f" by {who}" if who else "")
    return None
