"""`sos-sync doctor` for the google backend: can we reach every form, the sheet, calendar and folder?

Each check says what is wrong and what to do, naming the account to share things with,
and explains Google's limits for service accounts: they own no Drive storage (documents
need a folder in a shared drive) and cannot invite attendees without domain-wide
delegation.
"""

from __future__ import annotations

from typing import Any

from sos_sync.backends.base import Check, Status
from sos_sync.backends.google.auth import is_service_account, principal
from sos_sync.backends.google.clients import GoogleClients
from sos_sync.backends.google.responses import question_map
from sos_sync.config.load import Config
from sos_sync.domain.forms import FORM_KINDS
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
    g = config.raw.google
    clients = clients or GoogleClients(config)
    who = principal(config)
    sa = is_service_account(config)
    checks: list[Check] = []
    try:
        _ = clients.credentials
        checks.append(Check("credentials", "ok", f"signed in as {who}"))
    except ConfigError as exc:
        checks.append(Check("credentials", "fail", str(exc)))
        return checks

    for kind in FORM_KINDS:
        spec = config.forms[kind]
        fs = config.form_settings[kind]
        name = f"form {kind}"
        if fs.form_id:

            def form_check(form_id: str = fs.form_id, spec: Any = spec) -> tuple[Status, str]:
                forms = clients.service("forms").forms()
                form = clients.call(
                    lambda: forms.get(formId=form_id).execute(),
                    f"the {spec.label.lower()} form {form_id}",
                    f"the form {form_id} (add it as a collaborator: Editor)",
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
                    f"the form {form_id} (add it as a collaborator: Editor)",
                )
                title = (form.get("info") or {}).get("title", form_id)
                return (
                    "ok",
                    f"`{title}`: all {len(spec.fields)} questions found, responses readable",
                )

            checks.append(_try(name, form_check))
        elif fs.response_tab:
            checks.append(
                Check(name, "ok", f"read from the tab `{fs.response_tab}` of the spreadsheet")
            )
        else:
            checks.append(Check(name, "fail", f"set forms.{kind}.form_id or response_tab"))

    def sheet_check() -> tuple[Status, str]:
        if not g.spreadsheet_id:
            return "fail", "google.spreadsheet_id is not set"
        http = clients.sheets
        meta = clients.call(
            lambda: http.fetch_sheet_metadata(
                g.spreadsheet_id, {"fields": "properties.title,sheets.properties.title"}
            ),
            f"the spreadsheet {g.spreadsheet_id}",
            f"the spreadsheet {g.spreadsheet_id} as Editor",
        )
        tabs = [str(s["properties"]["title"]) for s in meta.get("sheets", [])]
        missing = [
            kind
            for kind in FORM_KINDS
            if config.form_settings[kind].response_tab
            and not config.form_settings[kind].form_id
            and config.form_settings[kind].response_tab not in tabs
        ]
        if missing:
            return "fail", f"response tabs missing for {', '.join(missing)}"
        title = meta.get("properties", {}).get("title", g.spreadsheet_id)
        return "ok", f"`{title}` ({len(tabs)} tabs)"

    checks.append(_try("spreadsheet", sheet_check))

    def calendar_check() -> tuple[Status, str]:
        if not g.calendar_id:
            return "warn", "google.calendar_id is not set: no calendar events will be kept"
        events = clients.service("calendar").events()
        clients.call(
            lambda: events.list(calendarId=g.calendar_id, maxResults=1).execute(),
            f"the calendar {g.calendar_id}",
            f"the calendar {g.calendar_id} (Settings › Share: 'Make changes to events')",
        )
        return "ok", f"{g.calendar_id} is reachable"

    checks.append(_try("calendar", calendar_check))
    if sa:
        checks.append(
            Check(
                "calendar attendees",
                "warn",
                f"{who} is a service account: it cannot add attendees to events without "
                "domain-wide delegation (Google answers 403 forbiddenForServiceAccounts). "
                "Ask a Workspace admin for delegation, or sign in as a lead (auth = oauth).",
            )
        )

    def folder_check() -> tuple[Status, str]:
        if not g.documents_folder_id:
            return "warn", "google.documents_folder_id is not set: no documents will be made"
        files = clients.service("drive").files()
        item = clients.call(
            lambda: files.get(
                fileId=g.documents_folder_id,
                fields="id,name,mimeType,driveId",
                supportsAllDrives=True,
            ).execute(),
            f"the documents folder {g.documents_folder_id}",
            f"the folder {g.documents_folder_id} as Editor",
        )
        if item.get("mimeType") != FOLDER_MIME:
            return "fail", f"{g.documents_folder_id} is not a folder ({item.get('mimeType')})"
        if sa and not item.get("driveId"):
            return "fail", (
                f"`{item.get('name')}` is in My Drive, but {who} is a service account: service "
                "accounts own no Drive storage and cannot create files outside a shared drive. "
                f"Use a folder in a shared drive and add {who} to the drive as Content manager."
            )
        where = "a shared drive" if item.get("driveId") else "My Drive"
        return "ok", f"`{item.get('name')}` in {where}"

    checks.append(_try("documents folder", folder_check))
    return checks
