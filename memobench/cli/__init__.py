"""Command-line interface (click)."""

from ._main import COMMANDS, cli, main

__all__ = ["COMMANDS", "cli", "main"]
