"""`sos-sync restore-check FILE`: how a tracker snapshot differs from the live tracker."""

from __future__ import annotations

from pathlib import Path

import click

from sos_sync.cli.output import WORKSPACE, say


@click.command("restore-check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@WORKSPACE
def restore_check(file: Path, workspace: Path) -> None:
    """Say how a tracker snapshot (backups/*.xlsx) differs from the live tracker."""
    from sos_sync.ops.backups import restore_check as check

    for line in check(workspace, file).lines():
        say(line)
