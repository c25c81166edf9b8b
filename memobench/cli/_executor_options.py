"""``--executor``, ``--workers``, ``--ray-address``: shared by ``run`` and ``sweep``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def _check_executor(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from ..executors import executors

    known = executors.names()
    if value not in known:
        raise click.BadParameter(
            f"{value!r} is not a registered executor (known: {', '.join(known)})",
            param_hint="--executor",
        )
    return value


def executor_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option(
        "--ray-address",
        envvar="RAY_ADDRESS",
        help="Join this Ray cluster (e.g. ray://head:10001 or auto) instead of starting a local one.",
    )(fn)
    fn = click.option(
        "--workers",
        type=click.IntRange(min=1),
        help="Worker processes / Ray tasks [default: the CPUs available].",
    )(fn)
    return click.option(
        "--executor",
        default="local",
        show_default=True,
        callback=_check_executor,
        help="Where conversations run: local (this process), processes, ray, or a plugin's.",
    )(fn)
