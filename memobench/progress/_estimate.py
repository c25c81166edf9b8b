"""The line printed before a run on the embedded model: how long it will take, and why.

Items still to ask (the run's tasks over its conversations, less what the run directory already
holds) at one reader call each, at the pace ``memobench.llm.local_speed`` last measured on this
machine (or its reference figure before a first run). The dry run counts calls exactly
(``memobench run --dry-run``); this is the quick answer to "should I wait for it".
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from ._rate import estimated_duration_s, format_duration

#: Estimates below this are not worth a line.
MIN_SECONDS = 60.0


def pending_items(runner: Any) -> int:
    """Items ``runner`` (a ``memobench.runner.Runner``) will ask: all of its tasks' items over
    its conversations, less those already answered in its run directory."""
    from ..rundir import item_id_of

    done = set(runner.run_dir.done()) if runner.run_dir.path.exists() else set()
    total = 0
    for conv in runner.conversations:
        for task in runner.tasks:
            items = task.items(conv, limit=runner.config.limit, options=runner.task_options(task))
            total += sum(1 for item in items if (task.name, item_id_of(item)) not in done)
    return total


def pre_run_estimate(model: str, calls: int) -> str | None:
    """``estimated duration: …`` for ``calls`` reader calls to ``model``; None unless the model is
    embedded (``local:``) and the run is long enough (over a minute) to be worth saying."""
    backend, _, name = model.partition(":")
    if backend != "local" or calls <= 0:
        return None
    from ..llm import local_speed

    speed = local_speed(name)
    if speed is None:
        return None
    seconds = estimated_duration_s(calls, 1.0 / speed.calls_per_s)
    if seconds < MIN_SECONDS:
        return None
    where = (
        f"measured on this machine over {speed.calls:,} calls"
        if speed.measured
        else "reference figure for 2 cores; your first run measures this machine"
    )
    return (
        f"estimated duration: about {format_duration(seconds)} for {calls:,} calls to {model} "
        f"at {speed.calls_per_s:.2f} calls/s ({where}); progress lines follow"
    )


def print_pre_run_estimate(runner: Any, stream: TextIO | None = None) -> str | None:
    """Print (to stderr) and return the estimate for ``runner``'s reader, when there is one."""
    line = pre_run_estimate(runner.config.model, pending_items(runner))
    if line:
        print(line, file=stream or sys.stderr, flush=True)
    return line
