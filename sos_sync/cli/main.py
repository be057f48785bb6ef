"""The command line: a thin layer over library functions (SPEC §10).

Each command lives in its own module under `sos_sync/cli/` and is imported only when it
is run (or listed by `--help`), so `sos-sync --version` answers without loading Google's
client libraries. Errors become exit codes in one place, `sos_sync.cli.errors`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

from sos_sync import __version__
from sos_sync.cli import errors
from sos_sync.cli.output import SETTINGS

#: command name -> ("module:attribute", the line `--help` shows); a new command is one line
#: here. `--help` reads these lines, so listing the commands imports none of them.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("sos_sync.cli.init:init", "A new workspace with a commented config."),
    "sync": (
        "sos_sync.cli.sync:sync",
        "One night: responses in; tracker, calendar, documents out.",
    ),
    "status": ("sos_sync.cli.status:status", "Schools per step, stalled schools, open problems."),
    "problems": ("sos_sync.cli.school:problems", "The open `Needs review` rows."),
    "school": ("sos_sync.cli.school:school", "One school's history."),
    "programme": ("sos_sync.cli.programme:programme", "The year's programme: list, import."),
    "demo": ("sos_sync.cli.demo:demo", "A fictional sample workspace, synced."),
    "export": ("sos_sync.cli.export:export", "The tracker as it stands (.xlsx, or .csv per tab)."),
    "restore-check": (
        "sos_sync.cli.backups:restore_check",
        "How a tracker snapshot differs from the live tracker.",
    ),
    "erase": ("sos_sync.cli.erase:erase", "Remove personal data, and keep it out."),
    "doctor": ("sos_sync.cli.doctor:doctor", "Check the last run, the config and access."),
    "schedule": (
        "sos_sync.cli.schedule:schedule",
        "A nightly schedule (cron, systemd, ci, windows).",
    ),
    "completion": ("sos_sync.cli.completion:completion", "Tab completion for bash, zsh or fish."),
    "auth": ("sos_sync.cli.google:auth", "Sign in to Google (google backend)."),
    "emulator": ("sos_sync.emulator.cli:emulator", "The local Google Workspace emulator."),
    "forms": ("sos_sync.cli.forms:forms", "The five forms: create, sync choices, print."),
    "report": ("sos_sync.ops.report.command:report", "The progress report for the council."),
}


class SosSyncGroup(click.Group):
    """Commands loaded on first use; failures mapped to exit codes by `errors.report`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in COMMANDS:
            return found
        module, _, attr = COMMANDS[cmd_name][0].partition(":")
        command = getattr(importlib.import_module(module), attr)
        if not isinstance(command, click.Command):  # pragma: no cover - a wrong table entry
            raise TypeError(f"{COMMANDS[cmd_name][0]} is not a click command")
        self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        SETTINGS.quiet = SETTINGS.verbose = SETTINGS.json = False
        try:
            rv = super().main(args, prog_name or "sos-sync", complete_var, False, **extra)
            code = rv if isinstance(rv, int) else 0
        except click.exceptions.Exit as exc:
            code = exc.exit_code
        except (Exception, KeyboardInterrupt, click.exceptions.Abort) as exc:
            code = errors.report(exc)
        if standalone_mode:
            sys.exit(code)
        return code


@click.group(cls=SosSyncGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sos-sync")  # no metadata scan: answers at once
@click.option("-q", "--quiet", is_flag=True, help="Print only errors (and --json output).")
@click.option(
    "-v", "--verbose", is_flag=True, help="Also print the run's events and full error traces."
)
def cli(quiet: bool, verbose: bool) -> None:
    """sos-sync: the Schools of Sanctuary nightly job.

    Reads form responses into one tracker, works out each school's step, keeps the
    programme's calendar and generates feedback documents.
    """
    SETTINGS.quiet, SETTINGS.verbose = quiet, verbose


def main() -> None:
    """Entry point (`sos-sync`): run the CLI and exit with its code."""
    cli.main()
