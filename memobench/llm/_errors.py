"""Errors of the LLM layer. Messages name the endpoint and status, never credentials."""

from __future__ import annotations

from ..errors import LLMError

__all__ = ["LLMError", "LocalModelUnavailable", "RetryableError"]


class RetryableError(LLMError):
    """A transient failure (429, 5xx, timeout, connection error, malformed body)."""

    def __init__(
        self,
        message: str,
        *,
        endpoint: str = "",
        status: int | str | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint, status=status)
        self.retry_after_s = retry_after_s


class LocalModelUnavailable(LLMError):
    """The embedded local model cannot run here (no llama.cpp engine, or the GGUF is missing)."""
