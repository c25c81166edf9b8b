"""``python -m memobench.llm._local_server``: an OpenAI-compatible server over llama.cpp workers.

One process holds ``--workers`` llama.cpp contexts of one GGUF (the weights are mmapped once and
shared), each on ``--threads`` threads, so that several requests run at once: on 2 cores two
single-threaded workers served 6.8x the calls of one two-threaded ``llama_cpp.server`` on a
loaded machine (OpenMP threads spin against each other there; ``notes/local.md``). A request
goes to the idle worker whose previous request shares the longest prefix with it, so prompts
that repeat a long prefix (the long-context baseline) keep reusing that worker's KV cache.

Endpoints: ``GET /v1/models``, ``POST /v1/chat/completions`` and ``POST /v1/completions``
(no streaming). The request fields memobench sends pass through to the engine's
``create_chat_completion`` / ``create_completion`` (llama-cpp-python's, as ``llama_cpp.server``
does, or :mod:`memobench.llm._engine_ik`'s, which answers the same fields the same way),
including ``response_format`` with a ``schema`` on both endpoints (compiled to a grammar; OpenAI's
``json_schema`` form is rewritten to it). A prompt over the context window
answers 400, anything else that fails 500, both as OpenAI-style ``{"error": {...}}`` bodies.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: Request fields passed through to the engine; others (``model``, ``n``...) are ignored.
CHAT_FIELDS = (
    "messages",
    "max_tokens",
    "temperature",
    "top_p",
    "stop",
    "seed",
    "response_format",
    "presence_penalty",
    "frequency_penalty",
)
COMPLETION_FIELDS = ("prompt", *CHAT_FIELDS[1:])


def json_object_format(response_format: dict[str, Any]) -> dict[str, Any]:
    """OpenAI's ``json_schema`` response format as llama.cpp's ``json_object`` + ``schema``
    (both engines compile that to a grammar), so standard clients get constrained JSON too."""
    if response_format.get("type") == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema")
        return {"type": "json_object", **({"schema": schema} if schema else {})}
    return response_format


#: Shared request text below this (about 60 tokens) picks the least recently used worker.
MIN_AFFINITY_CHARS = 256


def shared_prefix(a: str, b: str) -> int:
    """Characters ``a`` and ``b`` share from the start (binary search on slices: fast in C)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


class WorkerPool:
    """Idle llama.cpp contexts, least recently used first; ``acquire`` blocks until one is
    free and takes the one whose last request shares the longest prefix with this one."""

    def __init__(self, workers: list[Any]) -> None:
        self._idle: list[tuple[Any, str]] = [(w, "") for w in workers]
        self._cond = threading.Condition()
        self.size = len(workers)

    def acquire(self, key: str) -> Any:
        with self._cond:
            while not self._idle:
                self._cond.wait()
            shared = [shared_prefix(k, key) for _, k in self._idle]
            best = max(range(len(shared)), key=shared.__getitem__)
            # A short shared prefix (the chat header) is not worth another worker's long
            # cached prompt: take the least recently used worker instead.
            worker, _ = self._idle.pop(best if shared[best] >= MIN_AFFINITY_CHARS else 0)
            return worker

    def release(self, worker: Any, key: str) -> None:
        with self._cond:
            self._idle.append((worker, key))
            self._cond.notify()


def _handler(pool: WorkerPool, alias: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: memobench's clients pool connections

        def log_message(self, format: str, *args: Any) -> None:
            pass  # one line per completion is logged below instead

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str) -> None:
            kind = "invalid_request_error" if status < 500 else "server_error"
            self._send(status, {"error": {"message": message, "type": kind, "code": status}})

        def _client_gone(self) -> bool:
            try:
                return self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
            except BlockingIOError:
                return False  # connected, nothing more sent: still waiting for us
            except OSError:
                return True

        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/v1/models":
                model = {"id": alias, "object": "model", "owned_by": "memobench"}
                self._send(200, {"object": "list", "data": [model]})
            else:
                self._error(404, f"no route {self.path}")

        def do_POST(self) -> None:
            path = self.path.rstrip("/")
            if path not in ("/v1/chat/completions", "/v1/completions"):
                self._error(404, f"no route {self.path}")
                return
            try:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if body.get("stream"):
                    raise ValueError("streaming is not supported")
            except (ValueError, TypeError) as exc:
                self._error(400, f"bad request body: {exc}")
                return
            chat = path.endswith("/chat/completions")
            fields = CHAT_FIELDS if chat else COMPLETION_FIELDS
            kwargs = {k: body[k] for k in fields if body.get(k) is not None}
            if "response_format" in kwargs:
                kwargs["response_format"] = json_object_format(kwargs["response_format"])
            key = json.dumps(kwargs.get("messages" if chat else "prompt"))
            start = time.perf_counter()
            worker = pool.acquire(key)
            waited = time.perf_counter() - start
            if self._client_gone():  # it timed out while queued: do not compute for nobody
                pool.release(worker, "")
                self.close_connection = True
                print(f"{path} dropped: client gone after {waited:.3f}s", file=sys.stderr)
                return
            try:
                if chat:
                    out = worker.create_chat_completion(**kwargs)
                else:
                    out = worker.create_completion(**kwargs)
            except ValueError as exc:  # "exceed context window" and the like, from either engine
                pool.release(worker, "")
                self._error(400, str(exc))
                return
            except Exception as exc:
                pool.release(worker, "")
                self._error(500, f"{type(exc).__name__}: {exc}")
                return
            pool.release(worker, key)
            out["model"] = alias
            usage = out.get("usage") or {}
            print(
                f"{path} prompt {usage.get('prompt_tokens')} completion "
                f"{usage.get('completion_tokens')} wait {waited:.3f}s "
                f"total {time.perf_counter() - start:.3f}s",
                file=sys.stderr,
                flush=True,
            )
            self._send(200, out)

    return Handler


ENGINES = ("llama_cpp", "ik")
"""``llama_cpp``: llama-cpp-python (source build); ``ik``: the prebuilt ik-llama-cpp-python
wheel through :mod:`memobench.llm._engine_ik`. Both answer the same requests."""


def _engines(args: argparse.Namespace) -> list[Any]:
    n = max(1, args.workers)
    if args.engine == "ik":
        from pathlib import Path

        from ._engine_ik import IkEngine, SharedModel, prepare_gguf

        cache = Path(args.quant_cache) if args.quant_cache else Path(args.model).parent
        path, quant = prepare_gguf(Path(args.model), cache)
        print(f"ik engine: {path.name} ({quant})", file=sys.stderr, flush=True)
        shared = SharedModel(path)
        return [IkEngine(shared, n_ctx=args.n_ctx, threads=args.threads) for _ in range(n)]
    from llama_cpp import Llama

    return [
        LlamaCppWorker(
            Llama(
                args.model,
                n_ctx=args.n_ctx,
                n_threads=args.threads,
                n_threads_batch=args.threads,
                n_batch=args.n_batch,
                verbose=False,
            )
        )
        for _ in range(n)
    ]


class LlamaCppWorker:
    """A llama-cpp-python context answering as the ik engine does: its ``create_completion``
    takes a grammar, not a response format, so the format is compiled here (as the ik engine
    compiles it) and a base model's completions are constrained too."""

    def __init__(self, llama: Any) -> None:
        self.llama = llama

    def create_chat_completion(self, **kw: Any) -> Any:
        return self.llama.create_chat_completion(**kw)

    def create_completion(self, prompt: str, **kw: Any) -> Any:
        response_format = kw.pop("response_format", None)
        if response_format and response_format.get("type") == "json_object":
            from llama_cpp.llama_grammar import LlamaGrammar

            from ._gbnf import schema_to_gbnf

            text = schema_to_gbnf(response_format.get("schema"))
            kw["grammar"] = LlamaGrammar.from_string(text, verbose=False)
        return self.llama.create_completion(prompt, **kw)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--model", required=True)
    ap.add_argument("--alias", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--n_ctx", type=int, default=4096)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--n_batch", type=int, default=512)
    ap.add_argument("--engine", choices=ENGINES, default="llama_cpp")
    ap.add_argument("--quant-cache", help="where the ik engine keeps requantized GGUFs")
    args = ap.parse_args(argv)
    workers = _engines(args)
    pool = WorkerPool(workers)
    server = ThreadingHTTPServer((args.host, args.port), _handler(pool, args.alias))
    server.daemon_threads = True
    print(
        f"serving {args.alias} on {args.host}:{args.port} ({args.engine}): {pool.size} workers x "
        f"{args.threads} threads, n_ctx {args.n_ctx}",
        file=sys.stderr,
        flush=True,
    )
    server.serve_forever()


if __name__ == "__main__":
    main()
