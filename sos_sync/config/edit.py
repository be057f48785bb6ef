"""Edit a workspace's sos-sync.toml in place, keeping the lead's comments and layout.

Used where sos-sync itself records something in the configuration (the ids of forms it
created, the emulator demo's ids): one `key = "value"` line per key, in its section.
"""

from __future__ import annotations

import re
from pathlib import Path

from sos_sync.files import atomic_write_text


def set_config(path: Path, section_values: dict[str, dict[str, str]]) -> None:
    """Set `key = "value"` lines in sections of a TOML file, keeping its comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    section = ""
    done: set[tuple[str, str]] = set()
    out: list[str] = []
    for line in lines:
        header = re.match(r"^\[([^\]]+)\]\s*$", line)
        if header:
            _flush(out, section, section_values, done)
            section = header.group(1)
            out.append(line)
            continue
        m = re.match(r"^(\w+)\s*=", line)
        values = section_values.get(section, {})
        if m and m.group(1) in values:
            out.append(f'{m.group(1)} = "{values[m.group(1)]}"')
            done.add((section, m.group(1)))
            continue
        out.append(line)
    _flush(out, section, section_values, done)
    atomic_write_text(path, "\n".join(out) + "\n")


def _flush(
    out: list[str], section: str, values: dict[str, dict[str, str]], done: set[tuple[str, str]]
) -> None:
    """Add the section's keys that had no line yet (before the next section's header)."""
    missing = [k for k in values.get(section, {}) if (section, k) not in done]
    if not missing:
        return
    at = len(out)
    while at > 0 and out[at - 1].strip() == "":
        at -= 1
    for k in missing:
        out.insert(at, f'{k} = "{values[section][k]}"')
        at += 1
        done.add((section, k))
