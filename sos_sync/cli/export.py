"""`sos-sync export FILE`: the tracker as it stands, every tab (.xlsx, or one .csv per tab)."""

from __future__ import annotations

from pathlib import Path

import click

from sos_sync.cli.output import WORKSPACE, say


@click.command()
@WORKSPACE
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export(workspace: Path, file: Path) -> None:
    """Save the tracker as it stands, every tab, to FILE.xlsx (or FILE-<tab>.csv per tab)."""
    from sos_sync.cli.emulated import served
    from sos_sync.ops.export import export_tracker

    with served(workspace):
        written = export_tracker(workspace, file)
    say(f"Saved {len(written)} tab(s):")
    for path in written:
        say(f"  {path}")
