"""Shared by the benchmark scripts (run as ``python benchmarks/<script>.py``)."""

from __future__ import annotations

import os


def pin_apart(server_pid: int) -> bool:
    """Give the stand-in server its own core: a real endpoint's CPU is not on our machine.

    With both on the same cores, the fake server's request handling (not the harness) is part
    of what inflates the measured time. ``MEMOBENCH_BENCH_PIN=0`` measures unpinned.
    """
    if os.environ.get("MEMOBENCH_BENCH_PIN", "1") == "0" or not hasattr(os, "sched_setaffinity"):
        return False
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return False
    os.sched_setaffinity(server_pid, {cpus[-1]})
    os.sched_setaffinity(0, set(cpus[:-1]))
    return True
