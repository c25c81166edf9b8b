"""The gateway process-wide server: aiohttp on 127.0.0.1, an ephemeral port, its own thread.

It runs in a daemon thread on its own event loop so that SDKs calling it synchronously (from
worker threads) or asynchronously both work; model calls themselves are handed back to the
calling agent's loop by its lease. Started lazily by the first ``open_lease``, stopped at
process exit (``atexit``) or by ``shutdown_gateway``.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import secrets
import threading
from collections.abc import Callable, Mapping
from typing import Any

from .._util.http_thread import LoopThreadServer, ServerStartError
from ..errors import LLMError
from ._lease import GatewayLease
from ._route import ContextRouter, auto_router
from ._wire import (
    DEFAULT_MAX_TOKENS,
    BadRequest,
    chat_response,
    embedding_inputs,
    embeddings_response,
    to_config,
    to_messages,
)

log = logging.getLogger("memobench.gateway")


class Gateway(LoopThreadServer):
    """See module docstring. ``leases`` maps each live key to its lease."""

    thread_name = "memobench-gateway"
    client_max_size = 64 * 1024 * 1024

    def __init__(self) -> None:
        super().__init__()
        self.leases: dict[str, GatewayLease] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count()

    def start(self) -> Gateway:
        try:
            self.start_thread()
        except ServerStartError as exc:
            raise LLMError(f"the memobench gateway failed to start: {exc.__cause__}") from exc
        return self

    def lease(self, **fields: Any) -> GatewayLease:
        key = f"mb-gw-{secrets.token_hex(16)}"
        lease = GatewayLease(key=key, base_url=self.base_url, _release=self._release, **fields)
        with self._lock:
            self.leases[key] = lease
        return lease

    def _release(self, key: str) -> None:
        with self._lock:
            self.leases.pop(key, None)

    # -- serving ---------------------------------------------------------------------------

    def routes(self, app: Any) -> None:
        app.router.add_get("/v1/models", self._models)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/v1/embeddings", self._embeddings)

    def _lease_of(self, request: Any) -> GatewayLease | None:
        auth = request.headers.get("Authorization", "")
        key = auth.removeprefix("Bearer ").strip()
        with self._lock:
            return self.leases.get(key)

    async def _guarded(self, request: Any, handler: Callable[..., Any]) -> Any:
        from aiohttp import web

        lease = self._lease_of(request)
        if lease is None:
            return _error(web, 401, "unknown or revoked memobench gateway key", "auth")
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise BadRequest("the request body must be a JSON object")
            return web.json_response(await handler(lease, body))
        except BadRequest as exc:
            return _error(web, 400, str(exc), "invalid_request_error")
        except LLMError as exc:
            # 424, not 5xx: the LLM layer has already retried; an SDK's own retries on 5xx
            # would only repeat the failure. A 4xx from the model (context length) stays 400.
            status = 400 if isinstance(exc.status, int) and 400 <= exc.status < 500 else 424
            return _error(web, status, str(exc), "upstream_error")
        except ValueError as exc:  # malformed JSON body and the like
            return _error(web, 400, f"bad request: {exc}", "invalid_request_error")

    async def _models(self, request: Any) -> Any:
        from aiohttp import web

        lease = self._lease_of(request)
        if lease is None:
            return _error(web, 401, "unknown or revoked memobench gateway key", "auth")
        names = [lease.model_name, *lease.routes]
        data = [{"id": n, "object": "model", "owned_by": "memobench"} for n in names]
        return web.json_response({"object": "list", "data": data})

    async def _chat(self, request: Any) -> Any:
        return await self._guarded(request, self._chat_body)

    async def _chat_body(self, lease: GatewayLease, body: dict[str, Any]) -> dict[str, Any]:
        messages = to_messages(body.get("messages"))
        config = to_config(body, max_tokens_cap=lease.max_tokens_cap)
        model = str(body.get("model") or lease.model_name)
        completion = await lease.complete(model, messages, config)
        return chat_response(completion, model=model, request_id=f"mbgw-{next(self._ids)}")

    async def _embeddings(self, request: Any) -> Any:
        return await self._guarded(request, self._embed_body)

    async def _embed_body(self, lease: GatewayLease, body: dict[str, Any]) -> dict[str, Any]:
        texts = embedding_inputs(body)
        dims = body.get("dimensions")
        if dims is not None and int(dims) != lease.embedder.dim:
            raise BadRequest(
                f"dimensions={dims} asked, but the embedder {lease.embedder.spec} gives "
                f"{lease.embedder.dim}; configure the SDK with {lease.embedder.dim}"
            )
        vectors = await lease.embed(texts)
        tokens = sum(len(t.split()) for t in texts)
        return embeddings_response(vectors, model=str(body.get("model", "")), tokens=tokens)


def _error(web: Any, status: int, message: str, kind: str) -> Any:
    return web.json_response({"error": {"message": message, "type": kind}}, status=status)


_gateway: Gateway | None = None
_gateway_lock = threading.Lock()


def get_gateway() -> Gateway:
    """The process's gateway, started on first use."""
    global _gateway
    with _gateway_lock:
        if _gateway is None:
            _gateway = Gateway().start()
            atexit.register(shutdown_gateway)
            log.info("memobench gateway listening on %s", _gateway.base_url)
        return _gateway


def shutdown_gateway() -> None:
    """Stop the gateway (a later ``open_lease`` starts a new one on a new port)."""
    global _gateway
    with _gateway_lock:
        gw, _gateway = _gateway, None
    if gw is not None:
        gw.stop()


def open_lease(
    *,
    conversation_id: str,
    llm: Callable[[str], Any],
    default_spec: str,
    embedder_spec: str,
    routes: Mapping[str, str] | None = None,
    max_tokens_cap: int = DEFAULT_MAX_TOKENS,
    router: ContextRouter | None = None,
) -> GatewayLease:
    """A new key on the process gateway for one agent instance. Calls too long for the asked
    model go to a longer-context one (``router``; default: ``auto_router(default_spec)``, the
    installed embedded models with larger windows)."""
    from ..llm import get_embedder

    return get_gateway().lease(
        conversation_id=conversation_id,
        llm=llm,
        default_spec=default_spec,
        embedder=get_embedder(embedder_spec),
        routes=dict(routes or {}),
        max_tokens_cap=max_tokens_cap,
        router=router if router is not None else auto_router(default_spec),
    )
