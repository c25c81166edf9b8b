"""Per-endpoint concurrency and rate limits, shared by every client of the same endpoint.

asyncio primitives belong to one event loop, and ``complete_sync`` runs a fresh loop per
call, so limiters are kept per (loop, endpoint).
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from dataclasses import dataclass


class RateLimiter:
    """Token bucket refilled continuously at ``per_minute / 60`` per second."""

    def __init__(self, per_minute: float) -> None:
        self.rate = per_minute / 60.0
        # One second's worth of burst: a full minute's burst would defeat the limit at startup.
        self.capacity = max(1.0, self.rate)
        self.tokens = self.capacity
        self.updated = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self, amount: float = 1.0) -> None:
        # A request larger than the bucket could never pass; let it through at full bucket.
        amount = min(amount, self.capacity)
        async with self._lock:
            while True:
                now = time.monotonic()
                self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= amount:
                    self.tokens -= amount
                    return
                await asyncio.sleep((amount - self.tokens) / self.rate)


@dataclass
class EndpointLimits:
    semaphore: asyncio.Semaphore
    rpm: RateLimiter | None
    tpm: RateLimiter | None


_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, EndpointLimits]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def endpoint_limits(
    endpoint: str,
    *,
    max_concurrency: int,
    rpm: float | None = None,
    tpm: float | None = None,
) -> EndpointLimits:
    """The limits of ``endpoint`` on the running loop; the first caller's settings win."""
    loop = asyncio.get_running_loop()
    with _lock:
        per_loop = _by_loop.setdefault(loop, {})
        limits = per_loop.get(endpoint)
        if limits is None:
            limits = per_loop[endpoint] = EndpointLimits(
                semaphore=asyncio.Semaphore(max_concurrency),
                rpm=RateLimiter(rpm) if rpm else None,
                tpm=RateLimiter(tpm) if tpm else None,
            )
        return limits
