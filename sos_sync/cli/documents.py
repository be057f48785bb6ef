"""`sos-sync documents backfill`: make the documents the first night left out as too old."""

from __future__ import annotations

from pathlib import Path

import click

from sos_sync.cli.output import WORKSPACE, say


@click.group()
def documents() -> None:
    """Generated documents: backfill."""


@documents.command()
@WORKSPACE
def backfill(workspace: Path) -> None:
    """Make, on the next night, the documents for responses from before this academic year."""
    from sos_sync.delivery.backfill import allow_backfill

    waiting = allow_backfill(workspace)
    say(
        f"The next night makes the {waiting} older document(s) the first night left out."
        if waiting
        else "No documents are waiting: the next night makes any older ones as they come."
    )
