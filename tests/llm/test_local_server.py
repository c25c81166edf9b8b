"""The embedded model's server (``memobench.llm._local_server``) over real HTTP on 127.0.0.1.

Workers are stand-ins with llama-cpp-python's method names (no model needed): these tests pin
the pool (parallel workers, a request waits only when all are busy, prefix affinity) and the
HTTP contract memobench's OpenAI path relies on. ``test_llm_local.py`` runs the real model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from memobench.llm import GenerateConfig, LLMError, Message, get_llm
from memobench.llm._local_server import WorkerPool, _handler, shared_prefix

DELAY_S = 0.4


class StandIn:
    """Answers after ``DELAY_S``; records what it was asked; ``fail`` raises instead."""

    running = 0
    most_at_once = 0
    lock = threading.Lock()

    def __init__(self, name: str) -> None:
        self.name = name
        self.seen: list[dict[str, Any]] = []
        self.fail: Exception | None = None
        self.delay_s = DELAY_S

    def _answer(self, kwargs: dict[str, Any], chat: bool) -> dict[str, Any]:
        self.seen.append(kwargs)
        with StandIn.lock:
            StandIn.running += 1
            StandIn.most_at_once = max(StandIn.most_at_once, StandIn.running)
        time.sleep(self.delay_s)
        with StandIn.lock:
            StandIn.running -= 1
        if self.fail is not None:
            raise self.fail
        text = f"{self.name} says hi"
        choice: dict[str, Any] = {"index": 0, "finish_reason": "stop"}
        if chat:
            choice["message"] = {"role": "assistant", "content": text}
        else:
            choice["text"] = text
        usage = {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10}
        return {"id": "x", "object": "chat.completion", "choices": [choice], "usage": usage}

    def create_chat_completion(self, **kwargs: Any) -> dict[str, Any]:
        return self._answer(kwargs, chat=True)

    def create_completion(self, **kwargs: Any) -> dict[str, Any]:
        return self._answer(kwargs, chat=False)


@pytest.fixture
def served() -> Iterator[tuple[str, list[StandIn]]]:
    workers = [StandIn("w0"), StandIn("w1")]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(WorkerPool(workers), "toy"))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", workers
    finally:
        server.shutdown()
        server.server_close()


def _chat(url: str, content: str, **extra: Any) -> httpx.Response:
    body = {"model": "anything", "messages": [{"role": "user", "content": content}], **extra}
    return httpx.post(f"{url}/chat/completions", json=body, timeout=10)


def test_models_and_fields_pass_through(served: tuple[str, list[StandIn]]) -> None:
    url, workers = served
    models = httpx.get(f"{url}/models", timeout=5).json()
    assert [m["id"] for m in models["data"]] == ["toy"]
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    resp = _chat(
        url,
        "hello",
        max_tokens=5,
        stop=["\n"],
        temperature=0.0,
        response_format={"type": "json_object", "schema": schema},
        user="dropped",
    )
    assert resp.status_code == 200
    assert resp.json()["model"] == "toy"
    (seen,) = [w.seen[0] for w in workers if w.seen]
    assert seen["response_format"]["schema"] == schema
    assert seen["max_tokens"] == 5 and seen["stop"] == ["\n"]
    assert "user" not in seen and "model" not in seen
    done = httpx.post(f"{url}/completions", json={"prompt": "Once", "max_tokens": 3}, timeout=5)
    assert done.json()["choices"][0]["text"].endswith("says hi")


def test_openai_json_schema_becomes_json_object_plus_schema(
    served: tuple[str, list[StandIn]],
) -> None:
    """Both engines compile ``json_object`` + ``schema`` to a grammar; OpenAI's own form would
    be ignored by llama-cpp-python, so the server rewrites it."""
    url, workers = served
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    spec = {"name": "thing", "schema": schema, "strict": True}
    assert _chat(url, "hi", response_format={"type": "json_schema", "json_schema": spec}).is_success
    assert _chat(url, "hi", response_format={"type": "text"}).is_success
    formats = [s["response_format"] for w in workers for s in w.seen]
    assert len(formats) == 2
    assert {"type": "json_object", "schema": schema} in formats and {"type": "text"} in formats


def test_two_workers_serve_two_requests_at_once(served: tuple[str, list[StandIn]]) -> None:
    url, workers = served
    StandIn.most_at_once = 0
    with ThreadPoolExecutor(6) as pool:
        codes = list(pool.map(lambda i: _chat(url, f"q{i}").status_code, range(6)))
    assert codes == [200] * 6
    # Six requests in flight: two ran at a time (never one, never more than the workers).
    assert StandIn.most_at_once == 2
    assert sum(len(w.seen) for w in workers) == 6 and all(w.seen for w in workers)


def test_a_repeated_prefix_goes_back_to_its_worker(served: tuple[str, list[StandIn]]) -> None:
    url, workers = served
    long_a, long_b = "A" * 2000, "B" * 2000
    assert _chat(url, long_a).status_code == 200
    assert _chat(url, long_b).status_code == 200  # the other worker: nothing shared with A
    owner_a = next(w for w in workers if w.seen[0]["messages"][0]["content"] == long_a)
    owner_b = next(w for w in workers if w is not owner_a)
    assert owner_b.seen[0]["messages"][0]["content"] == long_b
    for k in range(3):
        assert _chat(url, long_a + f" question {k}").status_code == 200
    # Every follow-up reused the worker holding A's prefix (FIFO or LIFO would not).
    assert len(owner_a.seen) == 4 and len(owner_b.seen) == 1


def test_a_request_whose_client_left_is_not_computed(served: tuple[str, list[StandIn]]) -> None:
    url, workers = served
    for w in workers:
        w.delay_s = 2.0
    with ThreadPoolExecutor(2) as pool:
        busy = [pool.submit(_chat, url, f"busy {i}") for i in range(2)]
        time.sleep(0.3)  # both workers are busy now
        body = {"messages": [{"role": "user", "content": "impatient"}]}
        with pytest.raises(httpx.TimeoutException):
            httpx.post(f"{url}/chat/completions", json=body, timeout=0.3)
        assert [f.result().status_code for f in busy] == [200, 200]
    for w in workers:
        w.delay_s = DELAY_S
    assert _chat(url, "after").status_code == 200
    asked = [m["messages"][0]["content"] for w in workers for m in w.seen]
    assert sorted(asked) == ["after", "busy 0", "busy 1"]  # "impatient" never reached a worker


def test_errors_are_openai_style_bodies(served: tuple[str, list[StandIn]]) -> None:
    url, workers = served
    for w in workers:
        w.fail = ValueError("Requested tokens (5000) exceed context window of 4096")
    resp = _chat(url, "too long")
    assert resp.status_code == 400
    assert "exceed context window" in resp.json()["error"]["message"]
    for w in workers:
        w.fail = RuntimeError("boom")
    resp = _chat(url, "x")
    assert resp.status_code == 500 and "RuntimeError: boom" in resp.json()["error"]["message"]
    for w in workers:
        w.fail = None
    assert _chat(url, "fine again").status_code == 200  # a failure frees its worker
    assert httpx.post(f"{url}/chat/completions", content=b"{not json", timeout=5).status_code == 400
    streamed = _chat(url, "x", stream=True)
    assert streamed.status_code == 400 and "streaming" in streamed.json()["error"]["message"]
    assert httpx.get(f"{url}/nothing", timeout=5).status_code == 404


async def test_memobench_openai_path_reads_it(served: tuple[str, list[StandIn]]) -> None:
    url, workers = served
    llm = get_llm("openai:toy", base_url=url, cache=False)
    c = await llm.complete([Message(role="user", content="hi")], config=GenerateConfig())
    assert c.text.endswith("says hi") and c.usage.prompt_tokens == 7
    for w in workers:
        w.fail = ValueError("exceed context window")
    with pytest.raises(LLMError, match="exceed context window"):
        await llm.complete([Message(role="user", content="long")], config=GenerateConfig())


def test_shared_prefix() -> None:
    assert shared_prefix("abcdef", "abcxyz") == 3
    assert shared_prefix("", "abc") == 0
    assert shared_prefix("same", "same") == 4
    assert shared_prefix("ab", "abcd") == 2
