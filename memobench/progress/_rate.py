"""Rate and ETA arithmetic shared by the terminal bar and the log lines (pure functions)."""

from __future__ import annotations


def format_duration(seconds: float | None) -> str:
    """``1h02m``, ``4m05s``, ``12s``; ``?`` when unknown (nothing done yet)."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "?"
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600}h{(s % 3600) // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s}s"


def rate_per_s(done: int, elapsed_s: float) -> float | None:
    """Items per second since the phase started; None before anything is done."""
    if done <= 0 or elapsed_s <= 0:
        return None
    return done / elapsed_s


def eta_s(done: int, total: int, elapsed_s: float) -> float | None:
    """Seconds left at the rate so far; 0 once done, None while the rate is unknown."""
    if total and done >= total:
        return 0.0
    rate = rate_per_s(done, elapsed_s)
    return None if rate is None else (total - done) / rate


def estimated_duration_s(calls: int, seconds_per_call: float, parallel: int = 1) -> float:
    """Wall time of ``calls`` model calls at a measured ``seconds_per_call`` with ``parallel``
    requests in flight (the local server's slots), ignoring everything but the model."""
    return calls * seconds_per_call / max(1, parallel)
