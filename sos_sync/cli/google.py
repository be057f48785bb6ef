"""Commands of the google backend, for the main CLI to attach: `auth login` and `doctor`.

`cli.add_command(auth)` and `cli.add_command(doctor_command)` (named `doctor`);
`prepare_spreadsheet` is what `init --backend google` calls on an existing spreadsheet.
Errors are left to the main CLI's `main()`, which maps them to exit codes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from sos_sync.backends.google.auth import login
from sos_sync.backends.google.doctor import doctor
from sos_sync.backends.google.setup import prepare_spreadsheet
from sos_sync.config.load import load_config

__all__ = ["auth", "doctor_command", "prepare_spreadsheet"]

WORKSPACE = click.option(
    "-w",
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: os.environ.get("SOS_SYNC_WORKSPACE", "."),
    show_default="current folder or $SOS_SYNC_WORKSPACE",
    help="The workspace folder.",
)

MARKS = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}


@click.group()
def auth() -> None:
    """Sign in to Google for the google backend."""


@auth.command("login")
@click.option(
    "--client-secrets",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The OAuth client (Desktop app) JSON from the Google Cloud console.",
)
@click.option("--no-browser", is_flag=True, help="Print the sign-in link instead of opening it.")
@WORKSPACE
def login_command(client_secrets: Path, no_browser: bool, workspace: Path) -> None:
    """Sign in with a lead's own Google account; the token stays in the workspace (0600)."""
    path = login(workspace.resolve(), client_secrets, open_browser=not no_browser)
    click.echo(f"Signed in. The token is kept in {path} (readable by you only; never commit it).")


@click.command("doctor")
@WORKSPACE
def doctor_command(workspace: Path) -> None:
    """Check the config, credentials and access to every form, sheet, calendar and folder."""
    config = load_config(workspace)
    if config.backend != "google":
        click.echo("The workspace uses the local backend: nothing on Google to check.")
        return
    checks = doctor(config)
    for c in checks:
        click.echo(f"[{MARKS[c.status]}] {c.name}: {c.detail}")
    failed = [c for c in checks if not c.ok]
    if failed:
        click.echo(f"{len(failed)} check(s) failed: fix them, then run `sos-sync doctor` again.")
        sys.exit(1)
    click.echo("All checks passed.")
