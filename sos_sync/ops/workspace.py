"""Making a workspace: `sos-sync init` and the demo's sample workspace (SPEC §10).

A workspace is a folder with `sos-sync.toml` (commented), `programme.toml`, the
`inbox/` for CSV exports (local backend), and the run state under `state/`.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from sos_sync.config.load import CONFIG_NAME, DATA, DEFAULT_CRITERIA, load_config
from sos_sync.domain.forms import FORM_KINDS, build_forms
from sos_sync.errors import UsageError
from sos_sync.ops.branding import (
    COVENTRY,
    EMPTY_PROGRAMME,
    PLACEHOLDER_TEAM,
    Branding,
    branding_lines,
    letterhead_lines,
)


def config_text(
    backend: str = "local", namespace: str = "", branding: Branding | None = None
) -> str:
    """The commented configuration a new workspace starts with (`namespace`: its calendar
    UID namespace, random when not given; `branding`: the team's names and letterhead)."""
    namespace = namespace or secrets.token_hex(5)
    b = branding or Branding()
    forms = build_forms(tuple((c, t) for c, _, t in DEFAULT_CRITERIA))
    lines = [
        "# sos-sync workspace configuration.",
        "# Every setting has a sensible default; uncomment and edit what you need.",
        "# After editing, `sos-sync doctor` checks the file and says what to fix.",
        "",
        '# Where the tracker lives: "local" (tracker.xlsx in this folder, no Google account',
        '# needed) or "google" (the shared Google Sheet; see [google] below).',
        f'backend = "{backend}"',
        "",
        *branding_lines(b),
        "",
        "# The year's programme of events (see `sos-sync programme import` and `programme list`).",
        'programme = "programme.toml"',
        "",
        "[local]",
        "# Google Forms CSV exports go in this folder, one file per form (names below).",
        'inbox = "inbox"',
        'tracker = "tracker.xlsx"',
        'calendar = "calendar.ics"',
        'documents = "docs"',
        "# calendar.ics is the file to share, or to publish as a feed: it holds no e-mail",
        '# addresses. Attendees go to calendar_private; "shared" puts them in calendar.ics.',
        'calendar_attendees = "private"',
        'calendar_private = "calendar-attendees.ics"',
        "# Makes this workspace's calendar UIDs its own. Never change it (calendars that",
        "# subscribed or imported would see every event twice).",
        f'calendar_uid_namespace = "{namespace}"',
        "# Also copy calendar.ics here after each change (a web server's or a synced folder),",
        "# so calendars subscribed to its address pick up later changes.",
        '# calendar_feed = "/var/www/html/sos-sync/calendar.ics"',
        "",
        *letterhead_lines(b),
        "[google]",
        "# The master Google Sheet's id (the long part of its address).",
        'spreadsheet_id = ""',
        "# The calendar to keep events in (e.g. ...@group.calendar.google.com).",
        'calendar_id = ""',
        "# The Drive folder (a shared-drive folder for a service account) for documents.",
        'documents_folder_id = ""',
        '# How to sign in: "oauth" (a lead\'s own account: `sos-sync auth login`),',
        '# "service_account" (a key file) or "adc" (application default credentials).',
        'auth = "oauth"',
        'service_account_file = ""',
        "# Whether Google e-mails invitations to attendees, and shares documents with schools.",
        "send_updates = false",
        "share_documents = false",
        "# How many documents are written at once (1 to 8; 1: one after another).",
        "# document_workers = 4",
        "",
        "[criteria]",
        "# Audits and reviews record which version of the criteria they used.",
        'version = "Schools of Sanctuary minimum criteria (default wording)"',
        "# A file of [[criterion]] tables (code, group, title, actions, resources) to use",
        "# your Local Lead pack's wording instead of the defaults.",
        '# file = "criteria.toml"',
        "",
        "[rules]",
        "stalled_after_days = 90",
        "renewal_years = 3",
        "renewal_warning_days = 90",
        "",
        "# The five forms. For each: `file` (the CSV export's name in the inbox), `form_id`",
        "# (Google Forms API) or `response_tab` (a linked response sheet), and `questions`:",
        "# the question titles, so a reworded question is an edit here. Defaults shown.",
    ]
    for kind in FORM_KINDS:
        spec = forms[kind]
        lines += ["", f"[forms.{kind}]", f'file = "{spec.inbox_file}"', 'form_id = ""']
        lines.append(f"[forms.{kind}.questions]")
        for f in spec.fields:
            if f.name.startswith("rating_"):
                continue
            title = f.title.replace('"', '\\"')
            if branding is not COVENTRY:  # the default wording names Coventry's team
                title = title.replace("Coventry EMAS", b.team or PLACEHOLDER_TEAM)
            lines.append(f'# {f.name} = "{title}"')
        if kind == "audit":
            lines.append("# rating_L1 … rating_S8 = the criterion's code and title, e.g.")
            lines.append(f'# rating_L1 = "{forms["audit"].field("rating_L1").title}"')
    return "\n".join(lines) + "\n"


def init_workspace(
    folder: Path,
    backend: str = "local",
    force: bool = False,
    spreadsheet_id: str | None = None,
    branding: Branding | None = None,
    example: str | None = None,
) -> Path:
    """Create a new workspace ready for `inbox/*.csv`; refuse to overwrite one.

    A new authority's workspace holds its own team's names (`branding`) and an empty
    programme; `example="coventry"` writes Coventry's team and 2024-25 programme instead
    (the demo's)."""
    if example not in (None, "coventry"):
        raise UsageError(f"--example {example}: the only example is `coventry`.")
    branding = COVENTRY if example == "coventry" else branding
    folder = folder.resolve()
    if (folder / CONFIG_NAME).exists() and not force:
        raise UsageError(
            f"{folder} already holds a workspace ({CONFIG_NAME}); nothing was changed."
        )
    folder.mkdir(parents=True, exist_ok=True)
    text = config_text(backend, branding=branding or Branding())
    if spreadsheet_id:
        text = text.replace('spreadsheet_id = ""', f'spreadsheet_id = "{spreadsheet_id}"', 1)
    (folder / CONFIG_NAME).write_text(text, encoding="utf-8")
    if example == "coventry":
        shutil.copyfile(DATA / "programme-2024-25.toml", folder / "programme.toml")
    else:
        (folder / "programme.toml").write_text(EMPTY_PROGRAMME, encoding="utf-8")
    if branding is not None and branding.logo is not None:
        shutil.copyfile(branding.logo, folder / f"logo{branding.logo.suffix.lower()}")
    (folder / "inbox").mkdir(exist_ok=True)
    (folder / "inbox" / "README.txt").write_text(
        "Put each form's Google Forms export here (Responses > Download responses (.csv)),\n"
        "named as in sos-sync.toml: eoi.csv, audit.csv, signups.csv, applications.csv, catchups.csv.\n"
        "Replace a file with a newer export at any time: rows already synced are never duplicated.\n",
        encoding="utf-8",
    )
    if backend == "local":
        load_config(folder)  # the new workspace must be valid (google needs ids filled in first)
    return folder
