"""One error hierarchy for everything a user can get wrong.

A :class:`MemobenchError` is "displayed to the user": the CLI prints its message on one line
and exits with code 2, with a traceback only under ``--debug``. Anything else that escapes is a
bug and keeps its traceback. Subclasses also derive from the builtin exception that older call
sites caught (``ValueError``, ``LookupError``, ...), so narrowing them broke nobody.
"""

from __future__ import annotations


class MemobenchError(Exception):
    """A user-facing error: bad config, bad data, a refused run directory, a broken plugin."""


class ConfigError(MemobenchError, ValueError):
    """An option, spec or configuration file is wrong."""


class DataError(MemobenchError, ValueError):
    """Input data (a dataset, predictions, errata) is missing, malformed or not the pinned one."""


class RunDirError(MemobenchError, RuntimeError):
    """A run directory cannot be used as asked (other config, locked, damaged beyond repair)."""


class PluginError(MemobenchError, LookupError):
    """A registered name is unknown, or its plugin failed to load."""


class LLMError(MemobenchError, RuntimeError):
    """A model call failed for good (after retries, or with a non-retryable status)."""

    def __init__(
        self,
        message: str,
        *,
        endpoint: str = "",
        status: int | str | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        """The endpoint's host and path; never a credential."""
        self.status = status
        """HTTP status or a short failure kind."""
        self.attempts = attempts
        """How many attempts were made."""


__all__ = ["ConfigError", "DataError", "LLMError", "MemobenchError", "PluginError", "RunDirError"]
