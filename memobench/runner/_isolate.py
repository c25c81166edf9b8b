"""Per-item error isolation: a failing item becomes an error record, the run goes on.

An exception or a timeout in ``answer``/``summarize_events``/``next_turn`` is recorded for
that item only; a failing ``ingest`` is retried with backoff and, if it still fails, the
conversation's items are recorded as errored. ``--max-errors`` ends the run early.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MemobenchError
from ..rundir import AnswerError, AnswerRecord

#: Ingest attempts per session before the conversation's items are recorded as errored.
INGEST_ATTEMPTS = 3
#: First backoff between ingest attempts (doubles each time).
INGEST_BACKOFF_S = 0.5


class TooManyErrorsError(MemobenchError, RuntimeError):
    """More items errored than ``--max-errors`` allows: the run stopped early."""


def describe(exc: BaseException, *, attempts: int = 1, phase: str = "answer") -> AnswerError:
    """The error part of a record: type, one-line message, the last frames as ``file:line``."""
    frames = traceback.extract_tb(exc.__traceback__)[-4:]
    digest = " | ".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames)
    message = " ".join(str(exc).split()) or type(exc).__name__
    return AnswerError(
        type=type(exc).__name__,
        message=message[:500],
        traceback_digest=digest,
        attempts=attempts,
        phase=phase,
    )


def error_record(
    task: str, item_id: str, conversation_id: str, error: AnswerError, latency_s: float | None
) -> AnswerRecord:
    return AnswerRecord(
        task=task,
        item_id=item_id,
        conversation_id=conversation_id,
        prediction=None,
        latency_s=latency_s,
        error=error,
    )


async def with_timeout(awaitable: Awaitable[Any], timeout_s: float | None) -> Any:
    if timeout_s is None or timeout_s <= 0:
        return await awaitable
    try:
        # asyncio.timeout, not wait_for: the item runs in this task, with no extra task (and
        # loop round trips) per item.
        async with asyncio.timeout(timeout_s):
            return await awaitable
    except TimeoutError:
        raise TimeoutError(f"no reply within --item-timeout {timeout_s:g}s") from None


async def retry_ingest(
    fn: Callable[[], Awaitable[Any]],
    *,
    attempts: int = INGEST_ATTEMPTS,
    backoff_s: float = INGEST_BACKOFF_S,
) -> AnswerError | None:
    """Run ``fn`` up to ``attempts`` times; None on success, else the last failure."""
    for attempt in range(1, attempts + 1):
        try:
            await fn()
            return None
        except Exception as exc:  # any agent failure is isolated
            if attempt == attempts:
                return describe(exc, attempts=attempt, phase="ingest")
            await asyncio.sleep(backoff_s * 2 ** (attempt - 1))
    return None


@dataclass
class ErrorBudget:
    """``--max-errors``: an absolute count (``5``) or a fraction of the items asked (``0.1``)."""

    limit: float | None
    total: int = 0
    errors: int = 0

    @staticmethod
    def parse(text: str | float | None) -> float | None:
        if text is None or text == "":
            return None
        value = float(text)
        if value < 0:
            raise ValueError(f"--max-errors must be >= 0, not {text}")
        return value

    def allowed(self) -> float:
        if self.limit is None:
            return float("inf")
        if 0 < self.limit < 1:
            return self.limit * self.total
        return self.limit

    @property
    def exhausted(self) -> bool:
        """The limit has been passed: the run is stopping."""
        return self.errors > self.allowed()

    def add(self) -> None:
        self.errors += 1
        if self.exhausted:
            raise TooManyErrorsError(
                f"{self.errors} items errored, more than --max-errors {self.limit:g} allows; "
                "the run stopped early (finished answers are kept; rerun to retry the errors)"
            )
