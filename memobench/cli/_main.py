"""The ``memobench`` command. Each subcommand lives in its own module."""

from __future__ import annotations

import click

from .._version import __version__
from ._exit import leave
from ._lazy import DEBUG_KEY, LazyGroup

#: command name → "module:click object". One module per command (group).
COMMANDS = {
    "datasets": "memobench.cli.datasets:datasets",
    "score": "memobench.cli.score:score",
    "llm": "memobench.cli.llm:llm",
    "cache": "memobench.cli.cache:cache",
    "run": "memobench.cli.run:run",
    "agents": "memobench.cli.agents:agents",
    "leaderboard": "memobench.cli.leaderboard:leaderboard",
    "generate": "memobench.cli.generate:generate",
    "judge": "memobench.cli.judge:judge",
    "view": "memobench.cli.view:view",
    "sweep": "memobench.cli.sweep:sweep",
}


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="memobench")
@click.option("--debug", is_flag=True, help="Show the traceback of user errors (exit code 2).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """memobench: benchmark the long-term conversational memory of LLM agents."""
    ctx.meta[DEBUG_KEY] = debug


def main() -> None:
    try:
        cli(auto_envvar_prefix="MEMOBENCH")
    except SystemExit as done:
        leave(done.code)
        raise
