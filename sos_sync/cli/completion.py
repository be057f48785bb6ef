"""`sos-sync completion bash|zsh|fish`: the shell's tab-completion script."""

from __future__ import annotations

import click

SHELLS = {
    "bash": '# add to ~/.bashrc:  eval "$(sos-sync completion bash)"',
    "zsh": '# add to ~/.zshrc:  eval "$(sos-sync completion zsh)"',
    "fish": "# save as ~/.config/fish/completions/sos-sync.fish:  sos-sync completion fish > …",
}


@click.command()
@click.argument("shell", type=click.Choice(sorted(SHELLS)))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the tab-completion script for SHELL (bash, zsh or fish)."""
    from click.shell_completion import get_completion_class

    cli = ctx.find_root().command
    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover - click ships all three
        raise click.UsageError(f"no completion for {shell}")
    click.echo(SHELLS[shell])
    click.echo(cls(cli, {}, "sos-sync", "_SOS_SYNC_COMPLETE").source())
