"""What the lean transports share: the request body and reply contract of an OpenAI-compatible
completion call, their errors, and the mapping of those onto memobench's (the official
client's)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ._errors import LLMError, RetryableError
from ._retry import parse_retry_after


class LeanStatusError(Exception):
    """An HTTP error status; carries what the error mapping needs, never request headers."""

    def __init__(self, status: int, retry_after: str | None, body: str) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after
        self.body = body


class LeanTransportError(Exception):
    """Timeout or connection failure (``timeout`` tells which)."""

    def __init__(self, *, timeout: bool) -> None:
        super().__init__("timeout" if timeout else "connection error")
        self.timeout = timeout


def request_body(common: dict[str, Any], fields: dict[str, Any]) -> tuple[bytes, float | None]:
    """The JSON body of ``fields`` + ``common`` as the official client sends it, and the
    per-request timeout (``common["timeout"]``, not a body field)."""
    body = {**fields, **common}
    timeout_s = body.pop("timeout", None)
    return json.dumps(body).encode(), timeout_s


def reply_json(status: int, retry_after: str | None, content: bytes) -> dict[str, Any]:
    """The parsed reply of a completion call, or the error its status or body is."""
    if status >= 400:
        raise LeanStatusError(status, retry_after, content.decode("utf-8", "replace"))
    try:
        parsed = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError("malformed JSON body") from exc
    if not isinstance(parsed, dict) or not parsed.get("choices"):
        raise ValueError("response has no choices")
    return parsed


def translate_lean(exc: Exception, where: str, redact: Callable[[str], str]) -> LLMError | None:
    """Our error for a lean-transport failure (the official client's mapping), else None."""
    if isinstance(exc, LeanTransportError):
        if exc.timeout:
            return RetryableError(f"timeout calling {where}", endpoint=where, status="timeout")
        return RetryableError(
            f"connection error calling {where}", endpoint=where, status="connection error"
        )
    if isinstance(exc, LeanStatusError):
        status = exc.status
        body = " ".join(exc.body.split())[:200]
        detail = "" if status in (401, 403) else redact(body)
        msg = f"HTTP {status} from {where}" + (f": {detail}" if detail else "")
        if status == 429 or status >= 500 or status == 408:
            retry_after = parse_retry_after(exc.retry_after)
            return RetryableError(msg, endpoint=where, status=status, retry_after_s=retry_after)
        return LLMError(msg, endpoint=where, status=status)
    return None
