"""Whose letters these are: the team's name, leads, contact e-mail and logo, set at `init`.

A new authority's workspace is written with its own names (or clear placeholders) and an
empty programme: nothing from Coventry, whose team and programme are only the example
(`init --example coventry`, and the demo).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sos_sync.resources import config_dir

PLACEHOLDER_TEAM = "Schools of Sanctuary local leads"
PLACEHOLDER_LEAD = "Your name"


@dataclass(frozen=True)
class Branding:
    """What `init` writes into `sos-sync.toml` for the letterhead and signatures."""

    team: str = ""
    leads: tuple[str, ...] = field(default_factory=tuple)
    contact_email: str = ""
    address: str = ""
    logo: Path | None = None


COVENTRY = Branding(
    team="Coventry Ethnic Minority Achievement Service (EMAS)",
    leads=("Michelle", "Amanda"),
    contact_email="sanctuary@coventry.example",
    address="1 Example Street\nCoventry CV1 0XX",
    logo=config_dir() / "example-logo.png",  # a fictional emblem
)

EMPTY_PROGRAMME = """# Your Schools of Sanctuary programme for the year.
# One [[event]] per event (key, title, start, end, where, mode, form_label), or import the
# local offer with `sos-sync programme import offer.docx`.

academic_year = "2025-26"
timezone = "Europe/London"
"""


def branding_lines(b: Branding) -> list[str]:
    """The config lines for the team, the leads and the letterhead."""
    leads = list(b.leads) or [PLACEHOLDER_LEAD]
    lines = [
        "# Who signs the letters, and the letterhead on every document.",
        f"team = {json.dumps(b.team or PLACEHOLDER_TEAM, ensure_ascii=False)}",
        f"leads = {json.dumps(leads, ensure_ascii=False)}",
        f"team_email = {json.dumps(b.contact_email)}",
    ]
    if not b.leads or not b.team:
        lines.insert(1, "# Set your team's name and the leads' names before the first night.")
    return lines


def letterhead_lines(b: Branding) -> list[str]:
    """The `[letterhead]` table: postal address and logo file."""
    logo = f"logo{b.logo.suffix.lower()}" if b.logo is not None else ""
    return [
        "[letterhead]",
        "# The postal address (\\n between lines) and a logo (PNG or JPEG) in this folder.",
        f"address = {json.dumps(b.address, ensure_ascii=False)}",
        f"logo = {json.dumps(logo)}",
        "",
    ]
