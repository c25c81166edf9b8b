"""``memobench agents list``."""

from __future__ import annotations

import click

from ._common import console
from ._lazy import UserErrorGroup


@click.group(cls=UserErrorGroup)
def agents() -> None:
    """Agents: built-in baselines and installed plugins."""


@agents.command("list")
def list_() -> None:
    """Registered agents (entry points ``memobench.agents``) and their default configs."""
    from rich.table import Table

    from ..registry import agents as registry
    from ..runner import baseline_config

    table = Table("name", "source", "default config")
    for name in registry.names():
        table.add_row(name, registry.source(name), str(baseline_config(name) or ""))
    console().print(table)
    console().print("Also: --agent module:Class or --agent path/to/file.py:Class")
