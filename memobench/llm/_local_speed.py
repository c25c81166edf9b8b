"""How fast the embedded model answers on this machine: measured by every run, read before one.

A ``SpeedMeter`` on each local server counts finished calls and the time at least one call was
in flight; when the server stops (a run ends) a figure made of enough calls is written to
``<cache>/local_speed.json``. ``local_speed(name)`` reads it back, so the next run can print how
long it will take; before any run on this machine it falls back to a reference figure.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from dataclasses import dataclass

from ._cache import cache_dir

SPEED_FILE = "local_speed.json"
MIN_CALLS = 20
"""Fewer calls than this say little about a run's pace and are not recorded."""

#: What a first run assumes before it has measured this machine: issue 16's figure for the
#: wave-2 server on 2 cores (about 31 RAG QA questions a minute, SmolLM2), and half that for the
#: twice larger Gemma. Not re-measured idle (notes/local.md); the first run replaces it.
REFERENCE_CALLS_PER_S = {"smollm2-135m": 0.5, "gemma3-270m": 0.25}


@dataclass(frozen=True)
class LocalSpeed:
    """A measured pace of one embedded model."""

    name: str
    """Model name after ``local:``."""
    calls_per_s: float
    """Calls finished per second of time with at least one call in flight."""
    calls: int
    """How many calls the figure is made of (0: the reference figure, nothing measured)."""
    workers: int
    """Parallel workers of the server that measured it."""
    measured: bool
    """True when measured on this machine; False for the built-in reference figure."""


class SpeedMeter:
    """Counts calls and busy time (overlapping calls count their span once). Thread-safe."""

    def __init__(self) -> None:
        self.calls = 0
        self.busy_s = 0.0
        self._in_flight = 0
        self._since = 0.0
        self._lock = threading.Lock()

    def begin(self) -> None:
        with self._lock:
            if self._in_flight == 0:
                self._since = time.monotonic()
            self._in_flight += 1

    def end(self) -> None:
        with self._lock:
            self._in_flight -= 1
            self.calls += 1
            if self._in_flight == 0:
                self.busy_s += time.monotonic() - self._since


def _read() -> dict[str, dict[str, float]]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads((cache_dir() / SPEED_FILE).read_text())
        if isinstance(data, dict):
            return data
    return {}


def record_speed(name: str, meter: SpeedMeter, workers: int) -> LocalSpeed | None:
    """Store ``meter``'s pace for ``local:<name>`` (None, nothing written, when too few calls)."""
    if meter.calls < MIN_CALLS or meter.busy_s <= 0:
        return None
    speed = LocalSpeed(name, meter.calls / meter.busy_s, meter.calls, workers, True)
    data = _read()
    data[name] = {"calls_per_s": speed.calls_per_s, "calls": speed.calls, "workers": workers}
    path = cache_dir() / SPEED_FILE
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        os.replace(tmp, path)
    return speed


def local_speed(name: str) -> LocalSpeed | None:
    """The last pace measured on this machine for ``local:<name>``, else the reference figure
    (``measured=False``); None for a model without either."""
    row = _read().get(name)
    if row and float(row.get("calls_per_s", 0)) > 0:
        return LocalSpeed(
            name, float(row["calls_per_s"]), int(row["calls"]), int(row["workers"]), True
        )
    if name in REFERENCE_CALLS_PER_S:
        return LocalSpeed(name, REFERENCE_CALLS_PER_S[name], 0, 2, False)
    return None
