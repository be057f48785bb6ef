"""The command line: a thin layer over library functions (SPEC §10)."""

from __future__ import annotations

import click


@click.group()
def main() -> None:
    """sos-sync: the Schools of Sanctuary nightly job."""
