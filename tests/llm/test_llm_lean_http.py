"""The lean transports (memobench's wire client, aiohttp) against the official openai client,
over real HTTP.

Same request bodies, same cache (a cache the official client wrote is hit by the lean one),
the same errors (message, status, attempts, retry-after) and no leaked sessions.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from memobench.llm import GenerateConfig, LLMError, Message, get_llm
from memobench.testing import FakeOpenAIServer, Fault

KEY = "sk-memobench-SECRET-lean-0123456789"
TRANSPORTS = ("openai", "lean", "aiohttp")


def _llm(srv: FakeOpenAIServer, **opts):
    return get_llm("openai:fake-model", base_url=srv.base_url, retry_base_s=0.001, **opts)


async def test_request_bodies_are_identical(fake_openai, monkeypatch):
    bodies: dict[str, list[dict]] = {t: [] for t in TRANSPORTS}
    chat = [Message(role="system", content="Be brief."), Message(role="user", content="Hi?")]
    cfg = GenerateConfig(
        max_tokens=7, temperature=0.5, top_p=0.9, seed=3, stop=["\n"], response_format="json"
    )
    for transport in TRANSPORTS:
        monkeypatch.setenv("MEMOBENCH_HTTP", transport)
        fake_openai.set_reply(lambda req, t=transport: bodies[t].append(req.body) or "{}")
        llm = _llm(fake_openai, cache=False)
        await llm.complete(chat, config=cfg)
        await llm.complete("plain prompt", config=GenerateConfig(max_tokens=3, stop=["x"]))
    assert bodies["lean"] == bodies["openai"] == bodies["aiohttp"]
    assert len(bodies["lean"]) == 2 and bodies["lean"][0]["seed"] == 3


async def test_cache_written_by_the_official_client_hits(fake_openai, monkeypatch):
    prompts = [f"question {i}" for i in range(10)]
    monkeypatch.setenv("MEMOBENCH_HTTP", "openai")
    first = await _llm(fake_openai).complete_many(prompts)
    assert fake_openai.stats.requests == 10
    monkeypatch.setenv("MEMOBENCH_HTTP", "lean")
    again = await _llm(fake_openai).complete_many(prompts)
    assert fake_openai.stats.requests == 10  # not one new request
    assert [c.text for c in again] == [c.text for c in first]
    assert all(c.cached for c in again)


def _error(exc: LLMError) -> tuple:
    return (str(exc), exc.status, exc.attempts, getattr(exc, "endpoint", None))


@pytest.mark.parametrize(
    "fault",
    [Fault("429", times=5, retry_after_s=0.01), Fault("500", times=5), Fault("malformed", times=5)],
    ids=lambda f: f.kind,
)
async def test_errors_are_the_same(fake_openai, monkeypatch, fault):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    got = {}
    for transport in TRANSPORTS:
        monkeypatch.setenv("MEMOBENCH_HTTP", transport)
        fake_openai.reset()
        fake_openai.set_faults([fault])
        with pytest.raises(LLMError) as info:
            await _llm(fake_openai, cache=False).complete(
                "hi", config=GenerateConfig(max_retries=1)
            )
        got[transport] = _error(info.value)
        assert fake_openai.stats.requests == 2
        assert KEY not in repr(vars(info.value)) + str(info.value)
    assert got["lean"] == got["openai"] == got["aiohttp"]


async def test_auth_error_is_the_same_and_hides_the_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    got = {}
    with FakeOpenAIServer(expected_api_key="sk-another") as srv:
        for transport in TRANSPORTS:
            monkeypatch.setenv("MEMOBENCH_HTTP", transport)
            with pytest.raises(LLMError) as info:
                await _llm(srv, cache=False).complete("hi")
            got[transport] = _error(info.value)
            assert KEY not in repr(vars(info.value)) + str(info.value)
    assert got["lean"] == got["openai"] == got["aiohttp"] and got["lean"][1] == 401


async def test_timeout_and_dropped_connection_are_the_same(fake_openai, monkeypatch):
    got = {}
    for transport in TRANSPORTS:
        monkeypatch.setenv("MEMOBENCH_HTTP", transport)
        for fault in (Fault("slow", times=2, slow_s=2.0), Fault("drop", times=2)):
            fake_openai.set_faults([fault])
            with pytest.raises(LLMError) as info:
                await _llm(fake_openai, cache=False).complete(
                    "hi", config=GenerateConfig(max_retries=1, timeout_s=0.3)
                )
            got[transport, fault.kind] = _error(info.value)
    for kind in ("slow", "drop"):
        assert got["lean", kind] == got["openai", kind] == got["aiohttp", kind]
    assert got["lean", "slow"][1] == "timeout"


def test_no_unclosed_session_is_reported(fake_openai):
    code = (
        "import asyncio, gc\n"
        "from memobench.llm import get_llm\n"
        f"llm = get_llm('openai:m', base_url={fake_openai.base_url!r}, cache=False)\n"
        "for _ in range(2):\n"
        "    print(asyncio.run(llm.complete('hi')).text)\n"
        "gc.collect()\n"
    )
    out = subprocess.run(
        [sys.executable, "-W", "always", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["echo:", "hi", "echo:", "hi"]
    assert "Unclosed" not in out.stderr and "unclosed" not in out.stderr, out.stderr
