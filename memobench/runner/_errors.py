"""Per-item failures: how an exception becomes an error record, and when a run gives up."""

from __future__ import annotations

import traceback
from pathlib import PurePath
from typing import Any

from ..errors import RunDirError


class TooManyErrors(RunDirError):
    """``--max-errors`` was reached; what finished is kept and a rerun retries the errors."""


def error_info(exc: BaseException, *, attempts: int, phase: str) -> dict[str, Any]:
    """What an error record keeps of an exception: type, message, where (file names only, so
    no path of this machine is stored), how often the item has failed, and in which phase."""
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = [f"{PurePath(f.filename).name}:{f.lineno} {f.name}" for f in frames]
    message = str(exc) or type(exc).__name__
    return {
        "type": type(exc).__name__,
        "message": message[:500],
        "where": where,
        "attempts": attempts,
        "phase": phase,
    }


class ErrorBudget:
    """Counts errored items of this process and says when ``max_errors`` is reached."""

    def __init__(self, max_errors: float | None, total: int) -> None:
        self.max_errors = max_errors
        self.total = total
        self.count = 0
        self.exhausted = False
        """Set once the limit is reached: items not started yet are not asked any more."""

    def add(self, n: int = 1) -> None:
        self.count += n
        limit = self.max_errors
        if limit is None:
            return
        over = self.count >= limit if limit >= 1 else self.count > limit * max(1, self.total)
        if over:
            self.exhausted = True
            shown = f"{int(limit)}" if limit >= 1 else f"{limit:.0%} of {self.total} items"
            raise TooManyErrors(
                f"{self.count} items failed (--max-errors {shown}); the run stopped early. "
                "Finished answers are kept; rerun the same command to retry the failed items."
            )
