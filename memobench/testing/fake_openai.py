"""A fake OpenAI-compatible server: real HTTP on 127.0.0.1, scripted replies, injected faults.

    with FakeOpenAIServer(reply=lambda req: "Paris", latency_s=0.1,
                          faults=[Fault("429", times=2, retry_after_s=0.2)]) as srv:
        llm = get_llm("openai:fake", base_url=srv.base_url)
        ...
        assert srv.stats.requests == 3

It runs aiohttp on its own event loop in a daemon thread. For throughput measurements run it
in a separate process (``python -m memobench.testing.fake_openai --latency 0.1``) so it does
not share the GIL with the client.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from .._util.http_thread import LoopThreadServer
from ._structured import Override, bow_embedding, pick_tool, schema_of, scripted, tool_call_message

FaultKind = Literal["429", "500", "503", "slow", "malformed", "drop"]


@dataclass
class Fault:
    """One kind of injected failure.

    ``times=N`` makes the next N requests (in arrival order, after earlier faults in the plan
    are used up) fail this way; ``probability=p`` makes each request fail with probability p
    (seeded RNG, applied when no counted fault is pending).
    """

    kind: FaultKind
    times: int = 0
    probability: float = 0.0
    retry_after_s: float | None = None
    """Sent as ``Retry-After`` on 429/503."""
    slow_s: float = 5.0
    """Delay of a ``slow`` reply (set it beyond the client timeout)."""
    paths: tuple[str, ...] = ()
    """Only requests to these paths (e.g. '/v1/chat/completions'); empty = all but /v1/models."""


@dataclass
class FakeRequest:
    """What a reply function sees."""

    path: str
    body: dict[str, Any]
    prompt: str
    """The prompt text: the completion prompt, or the chat contents joined by newlines."""
    model: str
    index: int
    """0-based arrival index of this request."""


Reply = Callable[[FakeRequest], str]


def _constant(text: str) -> Reply:
    """A reply function that always answers ``text``."""

    def reply(_req: FakeRequest) -> str:
        return text

    return reply


@dataclass
class ServerStats:
    requests: int = 0
    """Requests received (all endpoints except /v1/models)."""
    by_path: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    """Injected faults by kind."""
    succeeded: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    prompt_tokens: int = 0
    """Sum of prompt tokens reported in successful responses."""
    completion_tokens: int = 0
    models: Counter[str] = field(default_factory=Counter)


def count_tokens(text: str) -> int:
    """Deterministic token count: whitespace-separated words."""
    return len(text.split())


def default_reply(req: FakeRequest) -> str:
    return f"echo: {' '.join(req.prompt.split()[-5:])}"


def fake_embedding(text: str, dim: int = 8) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    vec = [b / 255.0 - 0.5 for b in digest[:dim]]
    norm = sum(v * v for v in vec) ** 0.5 or 1.0
    return [v / norm for v in vec]


class FakeOpenAIServer(LoopThreadServer):
    """See module docstring. Thread-safe counters in ``stats``; ``reset()`` clears them."""

    thread_name = "fake-openai"
    start_timeout_s = 10.0
    shutdown_timeout_s = 0.5
    backlog = 1024

    def __init__(
        self,
        reply: Reply | list[str] | str | None = None,
        *,
        latency_s: float = 0.0,
        faults: list[Fault] | None = None,
        seed: int = 0,
        port: int = 0,
        models: tuple[str, ...] = ("fake-model",),
        expected_api_key: str | None = None,
        embedding_dim: int = 8,
        embedding: Literal["hash", "bow"] = "hash",
        schema_replies: dict[str, Override] | None = None,
    ) -> None:
        """``embedding="bow"``: bag-of-words vectors (paraphrases match), width ``dimensions``
        from the request or ``embedding_dim``. ``schema_replies``: per schema or tool name, a
        dict (or a function of the request body) merged onto the minimal valid instance that
        answers a ``json_schema`` request or a tool call."""
        super().__init__(port)
        self._reply_queue: deque[str] | None = None
        if isinstance(reply, str):
            self._reply_fn: Reply = _constant(reply)
        elif isinstance(reply, list):
            self._reply_queue = deque(reply)
            self._reply_fn = self._from_queue
        else:
            self._reply_fn = reply or default_reply
        self.latency_s = latency_s
        self.faults = list(faults or [])
        self._remaining = [f.times for f in self.faults]
        self._rng = random.Random(seed)
        self.models = models
        self.expected_api_key = expected_api_key
        self.embedding_dim = embedding_dim
        self.embedding = embedding
        self.schema_replies = dict(schema_replies or {})
        self.stats = ServerStats()
        self._lock = threading.Lock()
        self._fast_loop = False

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeOpenAIServer:
        try:
            self.start_thread()
        except RuntimeError as exc:
            raise RuntimeError("fake OpenAI server failed to start") from exc.__cause__
        return self

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        with self._lock:
            self.stats = ServerStats()
            self._remaining = [f.times for f in self.faults]

    def set_faults(self, faults: list[Fault]) -> None:
        with self._lock:
            self.faults = list(faults)
            self._remaining = [f.times for f in self.faults]

    def set_reply(self, reply: Reply | list[str] | str) -> None:
        with self._lock:
            if isinstance(reply, list):
                self._reply_queue = deque(reply)
                self._reply_fn = self._from_queue
            elif isinstance(reply, str):
                self._reply_fn = _constant(reply)
            else:
                self._reply_fn = reply

    def new_loop(self) -> asyncio.AbstractEventLoop:
        return _new_loop(self._fast_loop)

    def routes(self, app: Any) -> None:
        app.router.add_get("/v1/models", self._models)
        app.router.add_post("/v1/chat/completions", self._handle)
        app.router.add_post("/v1/completions", self._handle)
        app.router.add_post("/v1/embeddings", self._handle)

    # -- request handling ----------------------------------------------------------------------

    def _from_queue(self, _req: FakeRequest) -> str:
        assert self._reply_queue is not None
        if not self._reply_queue:
            raise RuntimeError("fake server has no scripted replies left")
        return self._reply_queue.popleft()

    def _pick_fault(self, path: str) -> Fault | None:
        for i, f in enumerate(self.faults):
            if f.paths and path not in f.paths:
                continue
            if self._remaining[i] > 0:
                self._remaining[i] -= 1
                return f
        for f in self.faults:
            if f.paths and path not in f.paths:
                continue
            if f.probability and self._rng.random() < f.probability:
                return f
        return None

    async def _models(self, request: Any) -> Any:
        from aiohttp import web

        data = [{"id": m, "object": "model", "owned_by": "memobench"} for m in self.models]
        return web.json_response({"object": "list", "data": data})

    async def _handle(self, request: Any) -> Any:
        from aiohttp import web

        path = request.path
        with self._lock:
            index = self.stats.requests
            self.stats.requests += 1
            self.stats.by_path[path] += 1
            self.stats.in_flight += 1
            self.stats.max_in_flight = max(self.stats.max_in_flight, self.stats.in_flight)
            fault = self._pick_fault(path)
            if fault is not None:
                self.stats.faults[fault.kind] += 1
        try:
            if self.expected_api_key is not None:
                auth = request.headers.get("Authorization", "")
                if auth != f"Bearer {self.expected_api_key}":
                    return web.json_response(
                        {"error": {"message": "invalid api key", "type": "auth"}}, status=401
                    )
            body = await request.json()
            if self.latency_s:
                await asyncio.sleep(self.latency_s)
            if fault is not None:
                resp = await self._fault_response(fault, request)
                if resp is not None:
                    return resp
            return self._ok(path, body, index)
        finally:
            with self._lock:
                self.stats.in_flight -= 1

    async def _fault_response(self, fault: Fault, request: Any) -> Any:
        from aiohttp import web

        err = {"error": {"message": f"injected {fault.kind}", "type": "fake"}}
        headers = {}
        if fault.retry_after_s is not None:
            headers["Retry-After"] = f"{fault.retry_after_s:g}"
        if fault.kind == "429":
            return web.json_response(err, status=429, headers=headers)
        if fault.kind in ("500", "503"):
            return web.json_response(err, status=int(fault.kind), headers=headers)
        if fault.kind == "malformed":
            return web.Response(
                status=200,
                body=b'{"id": "x", "choices": [{"text": ',
                content_type="application/json",
            )
        if fault.kind == "drop":
            request.transport.abort() if hasattr(
                request.transport, "abort"
            ) else request.transport.close()
            raise asyncio.CancelledError
        if fault.kind == "slow":
            await asyncio.sleep(fault.slow_s)
            return None
        raise ValueError(f"unknown fault kind {fault.kind!r}")

    def _ok(self, path: str, body: dict[str, Any], index: int) -> Any:
        from aiohttp import web

        model = str(body.get("model", ""))
        if path.endswith("/embeddings"):
            inputs = body.get("input", [])
            inputs = [inputs] if isinstance(inputs, str) else list(inputs)
            n_tok = sum(count_tokens(t) for t in inputs)
            with self._lock:
                self.stats.succeeded += 1
                self.stats.prompt_tokens += n_tok
                self.stats.models[model] += 1
            dim = int(body.get("dimensions") or self.embedding_dim)
            embed = bow_embedding if self.embedding == "bow" else fake_embedding
            data = [
                {"object": "embedding", "index": i, "embedding": embed(t, dim)}
                for i, t in enumerate(inputs)
            ]
            return web.json_response(
                {
                    "object": "list",
                    "data": data,
                    "model": model,
                    "usage": {"prompt_tokens": n_tok, "total_tokens": n_tok},
                }
            )
        chat = path.endswith("/chat/completions")
        if chat:
            prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        else:
            p = body.get("prompt", "")
            prompt = p if isinstance(p, str) else "\n".join(map(str, p))
        req = FakeRequest(path=path, body=body, prompt=prompt, model=model, index=index)
        message = self._structured(body, index) if chat else None
        if message is not None:
            text = message["content"] or message["tool_calls"][0]["function"]["arguments"]
        else:
            with self._lock:
                text = self._reply_fn(req)
        finish = "tool_calls" if message is not None and message.get("tool_calls") else "stop"
        max_tokens = body.get("max_tokens")
        words = text.split()
        if message is None and max_tokens is not None and len(words) > int(max_tokens):
            text, finish = " ".join(words[: int(max_tokens)]), "length"
        usage = {"prompt_tokens": count_tokens(prompt), "completion_tokens": count_tokens(text)}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        with self._lock:
            self.stats.succeeded += 1
            self.stats.prompt_tokens += usage["prompt_tokens"]
            self.stats.completion_tokens += usage["completion_tokens"]
            self.stats.models[model] += 1
        base = {"id": f"fake-{index}", "created": int(time.time()), "model": model, "usage": usage}
        if chat:
            choice = {
                "index": 0,
                "finish_reason": finish,
                "message": message or {"role": "assistant", "content": text},
            }
            return web.json_response({**base, "object": "chat.completion", "choices": [choice]})
        choice = {"index": 0, "finish_reason": finish, "text": text, "logprobs": None}
        return web.json_response({**base, "object": "text_completion", "choices": [choice]})

    def _structured(self, body: dict[str, Any], index: int) -> dict[str, Any] | None:
        """A tool call or a schema-valid JSON reply, when the request asks for one."""
        with self._lock:
            overrides = dict(self.schema_replies)
        tool = pick_tool(body, overrides)
        if tool is not None:
            params = tool.get("parameters") or {"type": "object"}
            args = scripted(params, tool["name"], overrides, body)
            return tool_call_message(tool, args, index)
        found = schema_of(body)
        if found is None:
            return None
        schema, name = found
        content = json.dumps(scripted(schema, name, overrides, body))
        return {"role": "assistant", "content": content}


def _new_loop(fast: bool) -> asyncio.AbstractEventLoop:
    # The fake server stands in for a remote endpoint whose CPU would not be ours: in
    # benchmarks it runs on uvloop (when installed) so it steals as little CPU as possible.
    if fast:
        try:
            import uvloop

            return uvloop.new_event_loop()
        except ImportError:
            pass
    return asyncio.new_event_loop()


def main(argv: list[str] | None = None) -> None:
    """Serve until killed; prints ``PORT <n>`` on stdout once listening."""
    import argparse

    ap = argparse.ArgumentParser(description="fake OpenAI-compatible server")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--latency", type=float, default=0.0)
    ap.add_argument("--reply", default=None)
    args = ap.parse_args(argv)
    srv = FakeOpenAIServer(args.reply, latency_s=args.latency, port=args.port)
    srv._fast_loop = True
    srv.start()
    print(f"PORT {srv.port}", flush=True)
    try:
        # Exit when the parent closes our stdin (or on Ctrl-C).
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
