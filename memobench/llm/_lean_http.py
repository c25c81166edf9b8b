"""A lean HTTP transport for OpenAI-compatible JSON calls (chat and text completions).

The official ``openai`` client spends about 1-2 ms of CPU per request on option models,
header building and httpx; at hundreds of calls per second on two cores that, not the
endpoint, bounds a run (notes/scale.md). This sends the same JSON body with aiohttp and
parses the reply with ``json.loads``. Retries, limits, metering and cache keys stay in
``LLMClient``; errors are mapped exactly as ``OpenAIBackend._translate`` maps the official
client's. ``MEMOBENCH_HTTP=openai`` (or aiohttp missing) keeps the official client.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import threading
import weakref
from collections.abc import Callable
from typing import Any

from ._errors import LLMError, RetryableError
from ._retry import parse_retry_after

try:  # aiohttp comes with llama-index-core; without it the official client is used
    import aiohttp
except ImportError:  # pragma: no cover - exercised only in a stripped install
    aiohttp = None  # type: ignore[assignment]


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


def lean_enabled() -> bool:
    return aiohttp is not None and os.environ.get("MEMOBENCH_HTTP", "lean").lower() != "openai"


class LeanHTTP:
    """One aiohttp session (one keep-alive pool) for one endpoint and key on one loop."""

    def __init__(self, base_url: str, api_key: str, pool_size: int) -> None:
        self.base_url = base_url
        self._headers = {
            "Authorization": f"Bearer {api_key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=pool_size, limit_per_host=0),
            json_serialize=json.dumps,
        )

    async def post(self, path: str, common: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """POST ``fields`` + ``common`` (its ``timeout`` is the per-request timeout, not a
        body field) as the official client would; returns the JSON body with its choices."""
        body = {**fields, **common}
        timeout_s = body.pop("timeout", None)
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=timeout_s, sock_read=timeout_s)
        try:
            async with self._session.post(
                self.base_url + path,
                data=json.dumps(body).encode(),
                headers=self._headers,
                timeout=timeout,
            ) as resp:
                content = await resp.read()
                if resp.status >= 400:
                    text = content.decode("utf-8", "replace")
                    raise LeanStatusError(resp.status, resp.headers.get("retry-after"), text)
        except TimeoutError:
            raise LeanTransportError(timeout=True) from None
        except aiohttp.ClientError:
            raise LeanTransportError(timeout=False) from None
        try:
            parsed = json.loads(content)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError("malformed JSON body") from exc
        if not isinstance(parsed, dict) or not parsed.get("choices"):
            raise ValueError("response has no choices")
        return parsed

    async def aclose(self) -> None:
        await self._session.close()


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


# Per (event loop, base URL, key digest, pool size), like the official client's sharing:
# an aiohttp session belongs to the loop that made it.
_sessions: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[str, str, int], LeanHTTP]
] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def lean_client(base_url: str, api_key: str, *, pool_size: int = 64) -> LeanHTTP | None:
    """The shared lean transport for this loop, or None when the official client is wanted."""
    if not lean_enabled():
        return None
    loop = asyncio.get_running_loop()
    digest = hashlib.sha256(api_key.encode()).hexdigest()[:16]
    k = (base_url, digest, pool_size)
    with _lock:
        per_loop = _sessions.setdefault(loop, {})
        client = per_loop.get(k)
        if client is None:
            client = per_loop[k] = LeanHTTP(base_url, api_key, pool_size)
            _close_at_loop_end(client)
        return client


def _close_at_loop_end(client: LeanHTTP) -> None:
    """Close the session when ``asyncio.run`` finishes (it closes async generators then), so
    no "Unclosed client session" is reported when the loop goes away."""

    async def _holder() -> Any:
        try:
            yield None
        finally:
            _keep.discard(gen)
            await client.aclose()

    gen = _holder()
    # Advanced to its yield in a task: the loop's asyncgen hooks register it, and
    # shutdown_asyncgens (end of asyncio.run) aclose()s it, which closes the session.
    _keep.add(gen)  # the loop holds async generators only weakly
    started = asyncio.ensure_future(gen.__anext__())
    _keep.add(started)
    started.add_done_callback(_keep.discard)


_keep: set[Any] = set()
