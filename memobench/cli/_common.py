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


def print_task_results(con: Any, results: Any) -> None:
    """Each task's own summary (``memobench.tasks.task_summary``), then what is missing."""
    from ..registry import tasks as task_registry
    from ..tasks import task_summary

    for name, result in results.tasks.items():
        for renderable in task_summary(task_registry.get(name)(), result):
            con.print(renderable)
    for name, result in results.tasks.items():
        _print_gaps(con, name, result.extra)


def _print_gaps(con: Any, name: str, extra: dict[str, object]) -> None:
    """Missing and errored items of a task: scored 0, and said so."""
    errors = extra.get("errors")
    if isinstance(errors, dict) and errors.get("count"):
        per_conv = ", ".join(f"{c} {n}" for c, n in dict(errors.get("by_conversation", {})).items())
        con.print(
            f"[red]{name}: {errors['count']} errored items (scored 0; rerun to retry them)[/]"
            f" · by conversation: {per_conv}"
        )
    missing = extra.get("missing")
    if missing:
        con.print(f"[yellow]{name}: {missing} items without an answer (scored 0)[/]")
