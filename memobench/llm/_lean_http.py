"""Lean HTTP transports for OpenAI-compatible JSON calls (chat and text completions).

The official ``openai`` client spends about 1-2 ms of CPU per request on option models,
header building and httpx; at hundreds of calls per second on two cores that, not the
endpoint, bounds a run (notes/scale.md). These send the same JSON body and parse the reply
with ``json.loads``: ``http://`` endpoints through memobench's own keep-alive client
(``_wire``, stdlib asyncio only), ``https://`` ones through aiohttp. Retries, limits, metering
and cache keys stay in ``LLMClient``; errors are mapped exactly as
``OpenAIBackend._translate`` maps the official client's.

``MEMOBENCH_HTTP``: ``lean`` (default), ``aiohttp`` (aiohttp for every URL) or ``openai``
(the official client; also what an ``https://`` URL gets when aiohttp is not installed).
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import os
import threading
import weakref
from typing import Any, Protocol


class LeanTransport(Protocol):
    """What ``OpenAIBackend`` needs of a transport."""

    async def post(self, path: str, common: dict[str, Any], **fields: Any) -> dict[str, Any]: ...

    async def aclose(self) -> None: ...


def lean_mode() -> str:
    """``lean``, ``aiohttp`` or ``openai`` (``MEMOBENCH_HTTP``, default ``lean``)."""
    mode = os.environ.get("MEMOBENCH_HTTP", "lean").lower()
    return mode if mode in ("aiohttp", "openai") else "lean"


def _make(base_url: str, api_key: str, pool_size: int) -> LeanTransport | None:
    """The transport for ``base_url`` in the lean and aiohttp modes."""
    if lean_mode() == "lean" and base_url.startswith("http://"):
        from ._wire import WireHTTP

        return WireHTTP(base_url, api_key, pool_size)
    if importlib.util.find_spec("aiohttp") is None:  # pragma: no cover - a stripped install
        return None
    from ._lean_aiohttp import LeanHTTP

    return LeanHTTP(base_url, api_key, pool_size)


# Per (event loop, base URL, key digest, pool size, mode), like the official client's sharing:
# a transport's connections belong to the loop that made them.
_sessions: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[str, str, int, str], LeanTransport | None]
] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def lean_client(base_url: str, api_key: str, *, pool_size: int = 64) -> LeanTransport | None:
    """The shared lean transport for this loop, or None when the official client is wanted."""
    mode = lean_mode()
    if mode == "openai":
        return None
    loop = asyncio.get_running_loop()
    digest = hashlib.sha256(api_key.encode()).hexdigest()[:16]
    k = (base_url, digest, pool_size, mode)
    with _lock:
        per_loop = _sessions.setdefault(loop, {})
        if k in per_loop:
            return per_loop[k]
        client = per_loop[k] = _make(base_url, api_key, pool_size)
        if client is not None:
            _close_at_loop_end(client)
        return client


def _close_at_loop_end(client: LeanTransport) -> None:
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
