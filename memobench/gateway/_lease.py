"""One agent instance's access to the gateway: its key, its models, its metering context.

A vendor SDK's HTTP call loses memobench's context variables (the run's meter, the phase).
The lease restores them: ``with lease.bound():`` around an agent's ``ingest``/``answer``
snapshots the caller's context and event loop, and every call made under this lease's key
runs as a task on that loop in a copy of that context, so it is metered in the phase the
runner is in, for the right conversation, under the endpoint limits the agent's own calls
share, even when many conversations run at once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .._util.hashing import short_hash
from ..llm import Completion, GenerateConfig, Message
from ._bounds import LOCAL_JSON_BOUNDS, JsonBounds, bound_config
from ._route import ContextRouter

T = TypeVar("T")

# Blocking SDK calls run here, never on the loop's default executor: the calls they make come
# back to that loop, which needs its default executor itself (DNS lookups of new connections);
# a default executor full of SDK calls waiting on the gateway would deadlock it.
_sdk_pool = concurrent.futures.ThreadPoolExecutor(max_workers=64, thread_name_prefix="mb-sdk")


@dataclass
class GatewayLease:
    """What an adapter hands its SDK: ``base_url`` and ``api_key``, plus model names."""

    key: str
    """The per-instance API key (``Authorization: Bearer <key>``)."""
    base_url: str
    """``http://127.0.0.1:<port>/v1``."""
    conversation_id: str
    """The conversation this lease serves (for logs and attribution)."""
    llm: Callable[[str], Any]
    """spec → ``LLMClient`` (the agent context's ``llm``)."""
    default_spec: str
    """The model spec calls go to unless ``routes`` names the requested model."""
    embedder: Any
    """The ``CachedEmbedder`` that serves ``/v1/embeddings``."""
    routes: Mapping[str, str] = field(default_factory=dict)
    """Requested model name → model spec (e.g. long-prompt calls to a long-context model)."""
    max_tokens_cap: int = 1024
    """Ceiling on ``max_tokens`` of every SDK call."""
    served: dict[str, int] = field(default_factory=dict)
    """Model spec → calls served under this lease (cache hits included): which model served
    which calls, for the run's record."""
    router: ContextRouter | None = None
    """Sends calls too long for the asked model's window to a model whose window fits
    (``None``: no routing by size)."""
    routed: dict[str, int] = field(default_factory=dict)
    """``"<asked> -> <served by>"`` → calls the router moved to a longer-context model."""
    local_json_bounds: JsonBounds | None = LOCAL_JSON_BOUNDS
    """Length bounds on the JSON (schema or tool arguments) of calls an embedded ``local:``
    model serves, so a toy model cannot loop inside a string to ``max_tokens`` (``None``:
    the SDK's schema as it is)."""
    bounded: int = 0
    """Calls whose schema or tools ``local_json_bounds`` bounded."""
    json_object_schema: Mapping[str, Any] | None = None
    """The schema of the system's JSON replies, from its own parser, for the calls that ask
    ``json_object`` with no schema: an embedded ``local:`` model is constrained to it (then
    bounded), since "any JSON object" leaves a toy model free to loop inside one string to
    ``max_tokens`` and the system's parser to find nothing. Hosted endpoints get the request
    as it is (``None``: any JSON object everywhere)."""
    shaped: int = 0
    """Calls that ``json_object_schema`` constrained."""
    _ctx: contextvars.Context | None = field(default=None, repr=False)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _release: Callable[[str], None] | None = field(default=None, repr=False)

    model_name = "memobench"
    """The model name SDKs should send (any name not in ``routes`` means the default)."""

    def spec_for(self, model: str) -> str:
        return self.routes.get(model, self.default_spec)

    @contextlib.contextmanager
    def bound(self) -> Iterator[GatewayLease]:
        """Attribute calls made inside the block to the caller's meter, phase and loop."""
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        with self._lock:
            saved = (self._ctx, self._loop)
            self._ctx, self._loop = contextvars.copy_context(), loop
        try:
            yield self
        finally:
            with self._lock:
                self._ctx, self._loop = saved

    async def run_sync(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking SDK call off the loop, in the current context (phase, meter and any
        adapter context variables travel with it). Use this, not ``asyncio.to_thread``."""
        ctx = contextvars.copy_context()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            _sdk_pool, functools.partial(ctx.run, fn, *args, **kwargs)
        )

    async def _on_caller_loop(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run ``make()`` in the bound context, on the bound loop when there is one."""
        with self._lock:
            ctx = (self._ctx or contextvars.copy_context()).copy()
            loop = self._loop
        here = asyncio.get_running_loop()
        if loop is None or loop is here or loop.is_closed():
            return await asyncio.create_task(make(), context=ctx)  # type: ignore[arg-type]
        done: concurrent.futures.Future[T] = concurrent.futures.Future()

        def start() -> None:
            task: asyncio.Task[T] = loop.create_task(make(), context=ctx)  # type: ignore[arg-type]

            def finish(t: asyncio.Task[T]) -> None:
                if t.cancelled():
                    done.cancel()
                elif t.exception() is not None:
                    done.set_exception(t.exception())
                else:
                    done.set_result(t.result())

            task.add_done_callback(finish)

        loop.call_soon_threadsafe(start)
        return await asyncio.wrap_future(done)

    async def complete(
        self, model: str, messages: list[Message], config: GenerateConfig
    ) -> Completion:
        spec = self.spec_for(model)
        if self.router is not None:
            decision = self.router.route(spec, messages, config.max_tokens)
            if decision.served_by != spec:
                with self._lock:
                    moved = f"{spec} -> {decision.served_by}"
                    self.routed[moved] = self.routed.get(moved, 0) + 1
                spec = decision.served_by
        if (
            self.json_object_schema is not None
            and spec.startswith("local:")
            and config.response_format == "json"
            and config.json_schema is None
            and not config.tools
        ):
            config = config.model_copy(update={"json_schema": dict(self.json_object_schema)})
            with self._lock:
                self.shaped += 1
        if self.local_json_bounds is not None and spec.startswith("local:"):
            bounded = bound_config(config, self.local_json_bounds)
            if bounded is not config:
                config = bounded
                with self._lock:
                    self.bounded += 1
        client = self.llm(spec)
        completion: Completion = await self._on_caller_loop(
            lambda: client.complete(messages, config=config)
        )
        with self._lock:
            self.served[spec] = self.served.get(spec, 0) + 1
        return completion

    async def embed(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = await asyncio.to_thread(self.embedder.embed, texts)
        return vectors

    def record(self) -> dict[str, object]:
        """Which model served which calls under this lease, for an answer's ``extra``."""
        out: dict[str, object] = {"served": dict(self.served)}
        if self.routed:
            out["routed"] = dict(self.routed)
        if self.bounded and self.local_json_bounds is not None:
            out["json_bounds"] = {**self.local_json_bounds.record(), "calls": self.bounded}
        if self.shaped and self.json_object_schema is not None:
            out["json_object_schema"] = {
                "hash": short_hash(dict(self.json_object_schema)),
                "calls": self.shaped,
            }
        return out

    def close(self) -> None:
        """Revoke the key (later calls with it get HTTP 401)."""
        if self._release is not None:
            self._release(self.key)
            self._release = None
