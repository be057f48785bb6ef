"""`sos-sync doctor` for the google backend: can we reach every form, the sheet, calendar and folder?

Each check says what is wrong and what to do, naming the account to share things with,
and explains Google's limits for service accounts: they own no Drive storage (documents
need a folder in a shared drive) and cannot invite attendees without domain-wide
delegation.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from sos_sync.backends.base import Check, Status
from sos_sync.backends.google.auth import is_service_account, principal
from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.responses import question_map
from sos_sync.config.load import Config
from sos_sync.domain.forms import FORM_KINDS, FormSpec
from sos_sync.errors import ConfigError, SosSyncError

FOLDER_MIME = "application/vnd.google-apps.folder"


def _try(name: str, fn: Any) -> Check:
    try:
        status, detail = fn()
        return Check(name, status, detail)
    except SosSyncError as exc:
        return Check(name, "fail", str(exc))


def doctor(config: Config, clients: GoogleClients | None = None) -> list[Check]:
    """Check credentials and access to every resource; never raises for a failed check."""
    clients = clients or GoogleClients(config)
    who = principal(config)
    try:
        _ = clients.credentials
    except ConfigError as exc:
        return [Check("credentials", "fail", str(exc))]
    checks = [Check("credentials", "ok", f"signed in as {who}")]
    for kind in FORM_KINDS:
        fs = config.form_settings[kind]
        name = f"form {kind}"
        if fs.form_id:
            checks.append(_try(name, partial(_form_check, clients, config.forms[kind], fs.form_id)))
        elif fs.response_tab:
            checks.append(
                Check(name, "ok", f"read from the tab `{fs.response_tab}` of the spreadsheet")
            )
        else:
            checks.append(Check(name, "fail", f"set forms.{kind}.form_id or response_tab"))
    checks.append(_try("spreadsheet", partial(_sheet_check, config, clients)))
    checks.append(_try("calendar", partial(_calendar_check, config, clients)))
    if is_service_account(config):
        checks.append(
            Check(
                "calendar attendees",
                "warn",
                f"{who} is a service account: it cannot add attendees to events without "
                "domain-wide delegation (Google answers 403 forbiddenForServiceAccounts). "
                "Ask a Workspace admin for delegation, or sign in as a lead (auth = oauth).",
            )
        )
    checks.append(_try("documents folder", partial(_folder_check, config, clients)))
    return checks


def _form_check(clients: GoogleClients, spec: FormSpec, form_id: str) -> tuple[Status, str]:
    forms = clients.service("forms").forms()
    share = f"the form {form_id} (add it as a collaborator: Editor)"
    form = clients.call(
        lambda: forms.get(formId=form_id).execute(),
        f"the {spec.label.lower()} form {form_id}",
        share,
    )
    _qmap, missing = question_map(form, spec)
    if missing:
        return "fail", (
            f"the form {form_id} has no question "
            + "; ".join(f"`{m}`" for m in missing)
            + f": map the new titles under [forms.{spec.kind}.questions]"
        )
    clients.call(  # reading responses is a permission of its own
        lambda: forms.responses().list(formId=form_id, pageSize=1).execute(),
        f"the responses of the {spec.label.lower()} form {form_id}",
        share,
    )
    title = (form.get("info") or {}).get("title", form_id)
    return "ok", f"`{title}`: all {len(spec.fields)} questions found, responses readable"


def _sheet_check(config: Config, clients: GoogleClients) -> tuple[Status, str]:
    sid = config.raw.google.spreadsheet_id
    if not sid:
        return "fail", "google.spreadsheet_id is not set"
    http = clients.sheets
    meta = clients.call(
        lambda: http.fetch_sheet_metadata(
            sid, {"fields": "properties.title,sheets.properties.title"}
        ),
        f"the spreadsheet {sid}",
        f"the spreadsheet {sid} as Editor",
    )
    tabs = [str(s["properties"]["title"]) for s in meta.get("sheets", [])]
    settings = config.form_settings
    missing = [
        kind
        for kind in FORM_KINDS
        if settings[kind].response_tab
        and not settings[kind].form_id
        and settings[kind].response_tab not in tabs
    ]
    if missing:
        return "fail", f"response tabs missing for {', '.join(missing)}"
    title = meta.get("properties", {}).get("title", sid)
    return "ok", f"`{title}` ({len(tabs)} tabs)"


def _calendar_check(config: Config, clients: GoogleClients) -> tuple[Status, str]:
    calendar_id = config.raw.google.calendar_id
    if not calendar_id:
        return "warn", "google.calendar_id is not set: no calendar events will be kept"
    events = clients.service("calendar").events()
    clients.call(
        lambda: events.list(calendarId=calendar_id, maxResults=1).execute(),
        f"the calendar {calendar_id}",
        f"the calendar {calendar_id} (Settings › Share: 'Make changes to events')",
    )
    return "ok", f"{calendar_id} is reachable"


def _folder_check(config: Config, clients: GoogleClients) -> tuple[Status, str]:
    folder = config.raw.google.documents_folder_id
    if not folder:
        return "warn", "google.documents_folder_id is not set: no documents will be made"
    who, sa = principal(config), is_service_account(config)
    files = clients.service("drive").files()
    item = clients.call(
        lambda: files.get(
            fileId=folder, fields="id,name,mimeType,driveId", supportsAllDrives=True
        ).execute(),
        f"the documents folder {folder}",
        f"the folder {folder} as Editor",
    )
    if item.get("mimeType") != FOLDER_MIME:
        return "fail", f"{folder} is not a folder ({item.get('mimeType')})"
    if sa and not item.get("driveId"):
        return "fail", (
            f"`{item.get('name')}` is in My Drive, but {who} is a service account: service "
            "accounts own no Drive storage and cannot create files outside a shared drive. "
            f"Use a folder in a shared drive and add {who} to the drive as Content manager."
        )
    where = "a shared drive" if item.get("driveId") else "My Drive"
    return "ok", f"`{item.get('name')}` in {where}"
