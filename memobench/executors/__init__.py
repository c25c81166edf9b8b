"""Executors: where the shards of a run go (this process, worker processes, a Ray cluster).

The unit of work is one configuration × one conversation. The coordinator
(:func:`run_config`) keeps the run directory, its lock and its answer log; an
:class:`Executor` runs the runner's own loop on each shard and streams the records back.
Built-ins register through the ``memobench.executors`` entry points, like any plugin::

    [project.entry-points."memobench.executors"]
    mine = "my_pkg:MyExecutor"     # called as MyExecutor(workers=N, ray_address=...)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..registry import Registry
from ._coordinate import run_config
from ._job import Shard, ShardJob, balance
from ._protocol import Executor, ExecutorError, Sink

executors: Registry[Callable[..., Executor]] = Registry("executors")
"""Executor factories, called as ``factory(workers=N, ray_address=...)``."""


def local(**options: Any) -> Executor:
    from ._local import LocalExecutor

    return LocalExecutor(**options)


def processes(**options: Any) -> Executor:
    from ._processes import ProcessExecutor

    return ProcessExecutor(**options)


def ray(**options: Any) -> Executor:
    from ._ray import RayExecutor

    return RayExecutor(**options)


def start_local_ray(num_cpus: int) -> None:
    """Start the small local Ray cluster the ``ray`` executor uses (tests share one)."""
    from ._ray import start_local_ray as start

    start(num_cpus)


def make_executor(
    name: str = "local", *, workers: int | None = None, ray_address: str | None = None
) -> Executor:
    """The executor registered as ``name``, built with these options."""
    return executors.get(name)(workers=workers, ray_address=ray_address)


def close_executor(executor: Executor) -> None:
    """Release what the executor started (a local Ray cluster); a no-op for the others."""
    shutdown = getattr(executor, "shutdown", None)
    if shutdown is not None:
        shutdown()


__all__ = [
    "Executor",
    "ExecutorError",
    "Shard",
    "ShardJob",
    "Sink",
    "balance",
    "close_executor",
    "executors",
    "make_executor",
    "run_config",
    "start_local_ray",
]
