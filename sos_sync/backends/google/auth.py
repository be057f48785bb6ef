"""Credentials for the google backend (SPEC §9): a lead's own account, a service account, or ADC.

- `oauth`: `sos-sync auth login --client-secrets FILE` runs Google's installed-app flow
  once in a browser and keeps the token in the workspace (`secrets/token.json`, mode
  0600, never printed); the nightly job reuses it without a browser.
- `service_account`: a key file (`google.service_account_file`).
- `adc`: application default credentials (`GOOGLE_APPLICATION_CREDENTIALS`, gcloud, metadata).
- With `google.base_url` set (the emulator) a fixed bearer token, never refreshed.

Scopes are the narrowest that work (research §6): forms read-only, the spreadsheets,
calendar events, and only the Drive files the app creates.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sos_sync.config.load import Config
from sos_sync.errors import ConfigError
from sos_sync.files import atomic_write_text

SCOPES: tuple[str, ...] = (
    "https://www.googleapis.com/auth/forms.body",  # `forms create` / `forms sync` build the forms
    "https://www.googleapis.com/auth/forms.responses.readonly",
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/drive.file",
)
TOKEN_FILE = Path("secrets") / "token.json"


def token_path(workspace: Path) -> Path:
    """Where `auth login` keeps a lead's token in a workspace."""
    return workspace / TOKEN_FILE


def save_token(workspace: Path, credentials: Any) -> Path:
    """Keep OAuth user credentials in the workspace, readable by the owner only (0600)."""
    path = token_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    ignore = path.parent / ".gitignore"
    if not ignore.exists():  # a workspace kept in git never commits the token
        ignore.write_text("*\n", encoding="utf-8")
    atomic_write_text(path, credentials.to_json(), mode=0o600)
    return path


def login(workspace: Path, client_secrets: Path, open_browser: bool = True) -> Path:
    """Sign a lead in with Google's installed-app flow; keep the token; return its path."""
    from google_auth_oauthlib.flow import InstalledAppFlow

    if not client_secrets.is_file():
        raise ConfigError(
            f"{client_secrets}: no such file. Download an OAuth client (Desktop app) JSON from "
            "the Google Cloud console (APIs & Services › Credentials) and pass its path."
        )
    flow = InstalledAppFlow.from_client_secrets_file(str(client_secrets), scopes=list(SCOPES))
    credentials = flow.run_local_server(port=0, open_browser=open_browser)
    return save_token(workspace, credentials)


def load_credentials(config: Config) -> Any:
    """The credentials the backend signs its requests with (reads key or token files)."""
    g = config.raw.google
    if g.base_url:
        from google.oauth2.credentials import Credentials

        return Credentials(token="emulator")  # type: ignore[no-untyped-call]
    if g.auth == "service_account":
        from google.oauth2 import service_account

        path = config.path(g.service_account_file)
        if not path.is_file():
            raise ConfigError(
                f"sos-sync.toml: google.service_account_file: {path} does not exist. Download the "
                "service account's JSON key and point this setting at it."
            )
        return service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
            str(path), scopes=list(SCOPES)
        )
    if g.auth == "adc":
        import google.auth
        from google.auth.exceptions import DefaultCredentialsError

        try:
            credentials, _project = google.auth.default(scopes=list(SCOPES))
        except DefaultCredentialsError as exc:
            raise ConfigError(
                "google.auth = adc, but no application default credentials were found: set "
                "GOOGLE_APPLICATION_CREDENTIALS to a key file or run "
                "`gcloud auth application-default login`."
            ) from exc
        return credentials
    from google.oauth2.credentials import Credentials

    path = token_path(config.workspace)
    if not path.is_file():
        raise ConfigError(
            f"No Google sign-in for this workspace ({path} is missing). Run "
            f"`sos-sync auth login -w {config.workspace} --client-secrets client_secret.json`."
        )
    return Credentials.from_authorized_user_file(str(path), scopes=list(SCOPES))  # type: ignore[no-untyped-call]


def principal(config: Config) -> str:
    """Who the backend acts as, in the words a lead needs to share things with it."""
    g = config.raw.google
    if g.auth == "service_account":
        try:
            data = json.loads(config.path(g.service_account_file).read_text(encoding="utf-8"))
            return str(data.get("client_email") or "the service account")
        except (OSError, ValueError):
            return "the service account (its client_email is in the key file)"
    if g.base_url:
        return "the emulator's account"
    if g.auth == "adc":
        path = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
        if path:
            try:
                email = json.loads(Path(path).read_text(encoding="utf-8")).get("client_email")
                if email:
                    return str(email)
            except (OSError, ValueError):
                pass
        return "the application default credentials' account"
    return "the Google account you signed in with (`sos-sync auth login`)"


def is_service_account(config: Config) -> bool:
    """True when requests go out as a service account (no Drive storage, no attendees)."""
    g = config.raw.google
    if g.auth == "service_account":
        return True
    return g.auth == "adc" and principal(config).endswith(".iam.gserviceaccount.com")
