"""What the CLI prints, and the options every command shares.

Human output goes to stdout through `say` and `show`; warnings and errors to stderr.
Text is printed as it is: Rich never reads `[google]` in a message as markup, and never
wraps a line inside a command, a path or a URL (people paste them). `--quiet` keeps
only errors and the JSON a command was asked for; `--json` is noted here so a failure
can still answer with one JSON object.

Only click is imported at module level: `sos-sync --version` and `--help` must answer
at once, so Rich is loaded on the first print.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


@dataclass
class Settings:
    """The invocation's global switches."""

    quiet: bool = False
    verbose: bool = False
    json: bool = False


SETTINGS = Settings()


def _console(stderr: bool) -> Console:
    from rich.console import Console

    # soft_wrap: a long line stays one line, whatever the terminal's width
    return Console(stderr=stderr, soft_wrap=True, highlight=False)


def say(text: str, style: str | None = None) -> None:
    """One line for people on stdout (not under --quiet)."""
    if SETTINGS.quiet:
        return
    _console(False).print(text, style=style, markup=False, highlight=False)


def show(renderable: RenderableType) -> None:
    """A table or other Rich renderable on stdout (not under --quiet)."""
    if not SETTINGS.quiet:
        _console(False).print(renderable)


def warn(text: str, style: str | None = "yellow") -> None:
    """A warning on stderr (not under --quiet)."""
    if not SETTINGS.quiet:
        _console(True).print(text, style=style, markup=False, highlight=False)


def error(text: str, style: str | None = None) -> None:
    """An error on stderr: always shown."""
    _console(True).print(text, style=style, markup=False, highlight=False)


def emit_json(value: Any) -> None:
    """One JSON object on stdout, for machines (printed even under --quiet)."""
    click.echo(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))


def _note_json(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        SETTINGS.json = True
    return value


def _parse_today(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"`{value}` is not a date: use YYYY-MM-DD") from None


WORKSPACE = click.option(
    "-w",
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: os.environ.get("SOS_SYNC_WORKSPACE", "."),
    show_default="current folder or $SOS_SYNC_WORKSPACE",
    help="The workspace folder.",
)
TODAY = click.option(
    "--today",
    "today",
    metavar="YYYY-MM-DD",
    callback=_parse_today,
    help="Run as if today were this date.",
)
JSON = click.option(
    "--json",
    "as_json",
    is_flag=True,
    is_eager=True,
    callback=_note_json,
    help="Print one JSON object (also on failure: ok, error, exit_code).",
)


def steps_table(by_step: dict[int, int] | dict[str, int], title: str = "Schools per step") -> Any:
    """Schools per step as a Rich table."""
    from rich.table import Table

    from sos_sync.domain.steps import STAGE_LABELS

    counts = {str(k): v for k, v in by_step.items()}
    t = Table(title=title)
    t.add_column("Step", justify="right")
    t.add_column("Stage")
    t.add_column("Schools", justify="right")
    for s in range(1, 6):
        t.add_row(str(s), STAGE_LABELS[s], str(counts.get(str(s), 0)))
    return t
