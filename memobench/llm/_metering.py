"""Usage metering per phase (ingest, answer, judge, generate, ...).

The runner installs a ``Meter`` for a run with ``use_meter`` and tags work with
``phase("ingest")``; every call through ``LLMClient`` is recorded against the current phase.
Both are context variables, so concurrent asyncio tasks keep their own phase.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from ._prices import cost_usd, price_table_date, price_table_version
from ._types import Completion

_current_phase: ContextVar[str] = ContextVar("memobench_phase", default="other")
_current_meter: ContextVar[Meter | None] = ContextVar("memobench_meter", default=None)


@dataclass
class PhaseUsage:
    """Accumulated usage of one (phase, model) pair."""

    calls: int = 0
    cache_hits: int = 0
    retries: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    latencies_s: list[float] = field(default_factory=list)

    def add(self, other: PhaseUsage) -> None:
        self.calls += other.calls
        self.cache_hits += other.cache_hits
        self.retries += other.retries
        self.failures += other.failures
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cached_tokens += other.cached_tokens
        self.latencies_s.extend(other.latencies_s)


def _percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile; None for no data."""
    if not values:
        return None
    s = sorted(values)
    return s[max(0, math.ceil(q * len(s)) - 1)]


_REPORT = ConfigDict(frozen=True, extra="forbid")


class UsageRow(BaseModel):
    """Usage of one (phase, model) pair, or an aggregate ('*' for all)."""

    model_config = _REPORT
    phase: str
    """Phase name (ingest, answer, judge, generate, other) or '*'."""
    model: str
    """Model spec or '*'."""
    calls: int
    """Model calls that reached the backend and succeeded (cache hits excluded)."""
    cache_hits: int
    """Calls served from memobench's cache."""
    retries: int
    """Retried attempts (transient errors)."""
    failures: int
    """Calls that failed for good."""
    prompt_tokens: int
    """Tokens in (backend calls only)."""
    completion_tokens: int
    """Tokens out."""
    cached_tokens: int
    """Provider-side cached prompt tokens."""
    latency_p50_s: float | None
    """Median latency of backend calls."""
    latency_p95_s: float | None
    """95th percentile latency of backend calls."""
    cost_usd: float | None
    """Dollars; None when any model involved has no known price."""

    @property
    def cost_str(self) -> str:
        return "unknown" if self.cost_usd is None else f"${self.cost_usd:.4f}"


class UsageReport(BaseModel):
    """What ``Meter.report()`` returns: rows per (phase, model) plus rollups."""

    model_config = _REPORT
    price_table_version: str
    """Version of the price table used for ``cost_usd``."""
    price_table_date: str
    """Date of that price table."""
    rows: tuple[UsageRow, ...]
    """One row per (phase, model), sorted."""
    by_phase: tuple[UsageRow, ...]
    """One row per phase (model='*')."""
    by_model: tuple[UsageRow, ...]
    """One row per model (phase='*')."""
    total: UsageRow
    """Everything (phase='*', model='*')."""

    def phase(self, name: str) -> UsageRow | None:
        return next((r for r in self.by_phase if r.phase == name), None)


def _row(phase: str, model: str, parts: list[tuple[str, PhaseUsage]]) -> UsageRow:
    agg = PhaseUsage()
    cost: float | None = 0.0
    for spec, u in parts:
        agg.add(u)
        c = cost_usd(
            spec,
            prompt_tokens=u.prompt_tokens,
            completion_tokens=u.completion_tokens,
            cached_tokens=u.cached_tokens,
        )
        cost = None if c is None or cost is None else cost + c
    return UsageRow(
        phase=phase,
        model=model,
        calls=agg.calls,
        cache_hits=agg.cache_hits,
        retries=agg.retries,
        failures=agg.failures,
        prompt_tokens=agg.prompt_tokens,
        completion_tokens=agg.completion_tokens,
        cached_tokens=agg.cached_tokens,
        latency_p50_s=_percentile(agg.latencies_s, 0.50),
        latency_p95_s=_percentile(agg.latencies_s, 0.95),
        cost_usd=cost,
    )


class Meter:
    """Thread-safe accumulator of model usage keyed by (phase, model spec)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.usage: dict[tuple[str, str], PhaseUsage] = {}

    def record(
        self, completion: Completion, *, model: str, phase: str | None = None, retries: int = 0
    ) -> None:
        key = (phase or _current_phase.get(), model)
        with self._lock:
            u = self.usage.setdefault(key, PhaseUsage())
            u.retries += retries
            if completion.cached:
                u.cache_hits += 1
                return
            u.calls += 1
            u.prompt_tokens += completion.usage.prompt_tokens
            u.completion_tokens += completion.usage.completion_tokens
            u.cached_tokens += completion.usage.cached_tokens
            u.latencies_s.append(completion.latency_s)

    def record_failure(self, *, model: str, phase: str | None = None, retries: int = 0) -> None:
        key = (phase or _current_phase.get(), model)
        with self._lock:
            u = self.usage.setdefault(key, PhaseUsage())
            u.failures += 1
            u.retries += retries

    def merge(self, other: Meter) -> Meter:
        """Add ``other``'s usage into this meter (e.g. from worker processes); returns self."""
        with other._lock:
            items = [
                (k, PhaseUsage(**{**vars(v), "latencies_s": list(v.latencies_s)}))
                for k, v in other.usage.items()
            ]
        with self._lock:
            for k, v in items:
                self.usage.setdefault(k, PhaseUsage()).add(v)
        return self

    def report(self) -> UsageReport:
        with self._lock:
            items = [
                (k, PhaseUsage(**{**vars(v), "latencies_s": list(v.latencies_s)}))
                for k, v in sorted(self.usage.items())
            ]
        rows = [_row(p, m, [(m, u)]) for (p, m), u in items]
        phases = sorted({p for (p, _), _ in items})
        models = sorted({m for (_, m), _ in items})
        return UsageReport(
            price_table_version=price_table_version,
            price_table_date=price_table_date,
            rows=tuple(rows),
            by_phase=tuple(
                _row(p, "*", [(m, u) for (pp, m), u in items if pp == p]) for p in phases
            ),
            by_model=tuple(
                _row("*", m, [(mm, u) for (_, mm), u in items if mm == m]) for m in models
            ),
            total=_row("*", "*", [(m, u) for (_, m), u in items]),
        )


@contextlib.contextmanager
def phase(name: str) -> Iterator[None]:
    """Tag every model call made inside the block with phase ``name``."""
    token = _current_phase.set(name)
    try:
        yield
    finally:
        _current_phase.reset(token)


@contextlib.contextmanager
def use_meter(meter: Meter) -> Iterator[Meter]:
    """Record every model call made inside the block (and its tasks) on ``meter``."""
    token = _current_meter.set(meter)
    try:
        yield meter
    finally:
        _current_meter.reset(token)


def current_meter() -> Meter | None:
    return _current_meter.get()


def current_phase() -> str:
    return _current_phase.get()
