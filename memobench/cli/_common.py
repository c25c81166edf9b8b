"""Shared CLI options and helpers."""

from __future__ import annotations

import functools
import sys
from typing import Any, NoReturn

import click

data_path_option = click.option(
    "--data-path",
    type=click.Path(exists=True),
    envvar="MEMOBENCH_DATA_PATH",
    help="A dataset file or a directory holding it (before MEMOBENCH_DATA_DIR and the cache).",
)


@functools.cache
def console() -> Any:
    from rich.console import Console

    # Wide enough for the tables when output is captured (CI logs, CliRunner).
    return Console(width=None if sys.stdout.isatty() else 160)


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def load_dataset_or_fail(name_or_path: str, data_path: str | None, *, dedupe: bool = False) -> Any:
    """``load_dataset`` for commands; its errors are ``DataError``/``PluginError``, which the
    ``memobench`` group prints as one line (exit 2)."""
    from ..datasets import load_dataset

    return load_dataset(name_or_path, data_path=data_path, dedupe=dedupe)
