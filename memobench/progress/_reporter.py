"""Progress of a run's phases (ingest, answer, score): a rich bar on a terminal, steady log
lines otherwise, so a run redirected to a file still says how far it is and when it ends."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from ._rate import eta_s, format_duration, rate_per_s

DEFAULT_INTERVAL_S = 15.0
INTERVAL_ENV = "MEMOBENCH_PROGRESS_INTERVAL"
"""Seconds between log lines when there is no terminal (default 15)."""

log = logging.getLogger("memobench.progress")


@dataclass
class PhaseState:
    """Counters of one phase; mutable because it is the reporter's running tally."""

    total: int = 0
    done: int = 0
    errors: int = 0
    started: float = field(default_factory=time.monotonic)


def interval_from_env(default: float = DEFAULT_INTERVAL_S) -> float:
    raw = os.environ.get(INTERVAL_ENV)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        from ..errors import ConfigError

        raise ConfigError(f"{INTERVAL_ENV}={raw!r} is not a number of seconds") from None
    return max(0.0, value)


class Reporter:
    """Counts items per phase and shows them; subclasses decide how."""

    def __init__(
        self,
        *,
        cost: Callable[[], float | None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.phases: dict[str, PhaseState] = {}
        self._cost = cost
        self._clock = clock

    def start(self, phase: str, total: int, done: int = 0) -> None:
        """Begin (or re-size) ``phase`` with ``total`` items, ``done`` of them already finished."""
        state = self.phases.get(phase)
        if state is None:
            state = self.phases[phase] = PhaseState(started=self._clock())
        state.total, state.done = total, done
        self._show(phase, force=False)

    def advance(self, phase: str, n: int = 1, *, error: bool = False) -> None:
        state = self.phases.setdefault(phase, PhaseState(started=self._clock()))
        state.done += n
        state.errors += int(error)
        self._show(phase, force=state.total > 0 and state.done >= state.total)

    def cost_so_far(self) -> float | None:
        return self._cost() if self._cost is not None else None

    def line(self, phase: str) -> str:
        """``answer 120/1986 (6%) 2.31/s ETA 13m27s errors 0 cost $0.0000``."""
        s = self.phases[phase]
        elapsed = self._clock() - s.started
        rate = rate_per_s(s.done, elapsed)
        pct = f" ({100 * s.done // s.total}%)" if s.total else ""
        parts = [
            f"{phase} {s.done}/{s.total}{pct}",
            f"{rate:.2f}/s" if rate is not None else "?/s",
            f"ETA {format_duration(eta_s(s.done, s.total, elapsed))}",
            f"elapsed {format_duration(elapsed)}",
            f"errors {s.errors}",
        ]
        cost = self.cost_so_far()
        if cost is not None:
            parts.append(f"cost ${cost:.4f}")
        return " ".join(parts)

    def _show(self, phase: str, *, force: bool) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def close(self) -> None:
        """Stop showing; the last state of every phase stays visible (bar) or logged (lines)."""


class LogReporter(Reporter):
    """One plain line per phase at most every ``interval_s`` (and one when a phase ends)."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.stream = stream
        self.interval_s = interval_s
        self._last: dict[str, float] = {}

    def _show(self, phase: str, *, force: bool) -> None:
        now = self._clock()
        last = self._last.get(phase)
        # The first call only arms the timer: a line with no rate yet says nothing.
        if last is None and not force:
            self._last[phase] = now
            return
        if force or now - (last or now) >= self.interval_s:
            self._last[phase] = now
            self._emit(self.line(phase))

    def _emit(self, text: str) -> None:
        if self.stream is None:
            log.info("%s", text)
        else:
            print(text, file=self.stream, flush=True)


class BarReporter(Reporter):
    """A rich progress bar per phase with rate and ETA, for a terminal."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("{task.description:>7}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[extra]}"),
            transient=False,
        )
        self._tasks: dict[str, Any] = {}
        self._bar.start()

    def _show(self, phase: str, *, force: bool) -> None:
        s = self.phases[phase]
        rate = rate_per_s(s.done, self._clock() - s.started)
        cost = self.cost_so_far()
        extra = f"errors {s.errors}" + (f" ${cost:.4f}" if cost is not None else "")
        shown = f"{rate:.2f}/s" if rate else ""
        if phase not in self._tasks:
            self._tasks[phase] = self._bar.add_task(
                phase, total=s.total or None, rate=shown, extra=extra
            )
        self._bar.update(
            self._tasks[phase], completed=s.done, total=s.total or None, rate=shown, extra=extra
        )

    def close(self) -> None:
        self._bar.stop()


def make_reporter(
    enabled: bool | None = None,
    *,
    cost: Callable[[], float | None] | None = None,
    interval_s: float | None = None,
    stream: TextIO | None = None,
) -> Reporter:
    """A bar on a terminal, else steady lines: ``enabled=None`` decides by whether stderr is a
    terminal and prints the lines to stderr (a redirected run still shows them); ``False``
    sends them to the ``memobench.progress`` logger (seen with ``--verbose``)."""
    if (enabled is None and sys.stderr.isatty()) or enabled:
        return BarReporter(cost=cost)
    if stream is None and enabled is None:
        stream = sys.stderr
    interval = interval_from_env() if interval_s is None else interval_s
    return LogReporter(stream, interval_s=interval, cost=cost)
