"""The README is true: its commands use options that exist, and its architecture tree is the code's."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click

from sos_sync.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[list[str]]:
    """Every `sos-sync …` line of the README's code blocks, as arguments."""
    found = []
    for line in README.splitlines():
        text = line.strip()
        if not text.startswith("sos-sync ") or "…" in text:
            continue
        text = text.split("  #")[0].split(" > ")[0].strip()
        found.append(shlex.split(text.replace("\\", "/"))[1:])
    return found


def options_of(command: click.Command) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | {"-h", "--help"}


def test_every_readme_command_names_real_commands_and_options() -> None:
    commands = readme_commands()
    assert len(commands) > 30
    for args in commands:
        group_opts = options_of(cli)
        while args and args[0] in group_opts:
            args = args[1:]
        command: click.Command | None = cli
        words = []
        while isinstance(command, click.Group) and args:
            words.append(args[0])
            command = command.get_command(click.Context(cli), args[0])
            assert command is not None, f"`sos-sync {' '.join(words)}` is not a command"
            args = args[1:]
        assert command is not None
        known = options_of(command)
        for a in args:
            if a.startswith("-") and a != "-":
                assert a.split("=")[0] in known, f"`{a}` is not an option of `{' '.join(words)}`"


def test_the_architecture_tree_is_the_code() -> None:
    block = README.split("### Architecture", 1)[1].split("```", 2)[1]
    listed = set(re.findall(r"^  (\w+(?:/|\.py))\s", block, re.MULTILINE))
    package = ROOT / "sos_sync"
    actual = {f"{p.name}/" for p in package.iterdir() if (p / "__init__.py").exists()} | {
        p.name for p in package.glob("*.py") if p.name != "__init__.py"
    }
    assert listed == actual
