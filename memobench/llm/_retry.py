"""Retry policy: exponential backoff with jitter, honouring ``Retry-After``."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    base_s: float = 0.5
    """First backoff delay."""
    max_s: float = 30.0
    """Cap of one backoff delay (a server's Retry-After may exceed it)."""
    max_retry_after_s: float = 120.0
    """Ignore absurd Retry-After values beyond this."""
    jitter: float = 0.5
    """Delay is multiplied by a uniform factor in [1 - jitter, 1 + jitter]."""

    def delay(
        self, attempt: int, retry_after_s: float | None = None, rng: random.Random | None = None
    ) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        if retry_after_s is not None and retry_after_s >= 0:
            return min(retry_after_s, self.max_retry_after_s)
        r = (rng or random).uniform(1.0 - self.jitter, 1.0 + self.jitter)
        return min(self.max_s, self.base_s * (2**attempt)) * r


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds form; HTTP dates are rare for LLM APIs)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        import datetime as _dt
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - _dt.datetime.now(when.tzinfo)).total_seconds())
