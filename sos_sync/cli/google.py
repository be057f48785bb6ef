"""`sos-sync auth login`: sign in to Google for the google backend."""

from __future__ import annotations

from pathlib import Path

import click

from sos_sync.cli.doctor import doctor as doctor_command
from sos_sync.cli.output import WORKSPACE, say

__all__ = ["auth", "doctor_command"]


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
    from sos_sync.backends.google.auth import login

    path = login(workspace.resolve(), client_secrets, open_browser=not no_browser)
    say(f"Signed in. The token is kept in {path} (readable by you only; never commit it).")
