"""LLMClient against the real fake server over HTTP: retries, errors, cache, limits, metering."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
import traceback

import pytest

from memobench.llm import (
    GenerateConfig,
    LLMError,
    Message,
    Meter,
    completion_cache_key,
    get_llm,
    phase,
    use_meter,
)
from memobench.testing import FakeOpenAIServer, Fault, count_tokens

FAKE_KEY = "sk-memobench-SECRET-0123456789abcdef"


def fast_llm(srv: FakeOpenAIServer, model: str = "fake-model", **opts):
    opts.setdefault("retry_base_s", 0.001)
    return get_llm(f"openai:{model}", base_url=srv.base_url, **opts)


async def test_chat_and_completion_endpoints(fake_openai):
    llm = fast_llm(fake_openai)
    chat = await llm.complete([Message(role="user", content="hi there")])
    plain = await llm.complete("one two three")
    assert chat.text == "echo: hi there" and plain.text == "echo: one two three"
    assert fake_openai.stats.by_path == {"/v1/chat/completions": 1, "/v1/completions": 1}
    assert plain.usage.prompt_tokens == 3 and plain.finish_reason == "stop"
    assert plain.latency_s > 0 and not plain.cached


async def test_completion_mode_renders_chat_as_prompt(fake_openai):
    seen = []
    fake_openai.set_reply(
        lambda req: seen.append((req.path, req.prompt, req.body.get("stop"))) or "x"
    )
    llm = fast_llm(fake_openai, mode="completion")
    msgs = [Message(role="system", content="Be brief."), Message(role="user", content="Q?")]
    await llm.complete(msgs)
    path, prompt, stop = seen[0]
    assert path == "/v1/completions"
    assert prompt == "Be brief.\n\nUser: Q?\n\nAssistant:"
    assert "\nUser:" in stop


@pytest.mark.parametrize("kind", ["500", "503", "429", "malformed", "drop"])
async def test_retries_transient_faults_with_exact_counts(fake_openai, kind):
    fake_openai.set_faults([Fault(kind, times=2)])
    meter = Meter()
    with use_meter(meter):
        c = await fast_llm(fake_openai).complete("hello world")
    assert c.text == "echo: hello world"
    assert fake_openai.stats.requests == 3
    assert fake_openai.stats.faults[kind] == 2
    assert meter.report().total.retries == 2


async def test_timeout_is_retried(fake_openai):
    fake_openai.set_faults([Fault("slow", times=1, slow_s=3.0)])
    start = time.perf_counter()
    c = await fast_llm(fake_openai).complete("hi", config=GenerateConfig(timeout_s=0.3))
    assert c.text == "echo: hi"
    assert fake_openai.stats.requests == 2
    assert time.perf_counter() - start < 2.5


async def test_retry_after_is_honoured(fake_openai):
    fake_openai.set_faults([Fault("429", times=1, retry_after_s=0.6)])
    start = time.perf_counter()
    await fast_llm(fake_openai).complete("hi")
    elapsed = time.perf_counter() - start
    assert 0.6 <= elapsed < 2.0
    assert fake_openai.stats.requests == 2


def _all_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc) + repr(exc.args) + repr(vars(exc))


async def test_error_after_last_retry_names_endpoint_not_key(fake_openai, monkeypatch, caplog):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    caplog.set_level(logging.DEBUG)
    fake_openai.set_faults([Fault("503", times=100)])
    llm = fast_llm(fake_openai, model="gpt-test")
    with pytest.raises(LLMError) as info:
        await llm.complete("hi", config=GenerateConfig(max_retries=3))
    exc = info.value
    assert fake_openai.stats.requests == 4
    assert exc.status == 503 and exc.attempts == 4
    msg = str(exc)
    assert fake_openai.base_url in msg and "gpt-test" in msg and "503" in msg
    assert FAKE_KEY not in _all_text(exc)
    assert caplog.records, "retries should be logged"
    for rec in caplog.records:
        assert FAKE_KEY not in rec.getMessage()
        assert FAKE_KEY not in repr(rec.__dict__)


async def test_auth_error_is_not_retried_and_hides_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    with FakeOpenAIServer(expected_api_key="sk-the-right-one") as srv:
        with pytest.raises(LLMError) as info:
            await fast_llm(srv).complete("hi")
        assert srv.stats.requests == 1
    assert info.value.status == 401
    assert FAKE_KEY not in _all_text(info.value)


async def test_key_is_sent_but_never_cached(fake_openai, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    fake_openai.expected_api_key = FAKE_KEY
    llm = fast_llm(fake_openai)
    assert (await llm.complete("hi")).text == "echo: hi"
    assert llm.cache is not None
    raw = b"".join(p.read_bytes() for p in llm.cache.path.parent.iterdir() if p.is_file())
    assert FAKE_KEY.encode() not in raw
    assert FAKE_KEY not in repr(llm)


async def test_rerun_is_served_from_cache(fake_openai):
    prompts = [f"question {i}" for i in range(20)]
    first = await fast_llm(fake_openai).complete_many(prompts)
    assert fake_openai.stats.requests == 20
    fake_openai.reset()
    meter = Meter()
    with use_meter(meter):
        second = await fast_llm(fake_openai).complete_many(prompts)
    assert fake_openai.stats.requests == 0
    assert [c.text for c in second] == [c.text for c in first]
    assert all(c.cached and c.latency_s == 0 for c in second)
    total = meter.report().total
    assert total.cache_hits == 20 and total.calls == 0


async def test_different_models_same_prompt_both_miss(fake_openai):
    await fast_llm(fake_openai, model="model-a").complete("same prompt")
    await fast_llm(fake_openai, model="model-b").complete("same prompt")
    assert fake_openai.stats.models == {"model-a": 1, "model-b": 1}


async def test_cache_can_be_disabled(fake_openai, monkeypatch):
    await fast_llm(fake_openai, cache=False).complete("p")
    await fast_llm(fake_openai, cache=False).complete("p")
    assert fake_openai.stats.requests == 2
    monkeypatch.setenv("MEMOBENCH_NO_CACHE", "1")
    await fast_llm(fake_openai).complete("p")
    assert fake_openai.stats.requests == 3


def test_cache_key_fields():
    ident = {"backend": "openai", "model": "m", "base_url": "u"}
    base = GenerateConfig()
    key = completion_cache_key(ident, "p", base)
    assert (
        completion_cache_key(ident, "p", base.model_copy(update={"timeout_s": 1, "max_retries": 0}))
        == key
    )
    assert completion_cache_key(ident, "p", base.model_copy(update={"sample_index": 3})) == key
    assert completion_cache_key(ident, "p", base.model_copy(update={"max_tokens": 5})) != key
    assert completion_cache_key({**ident, "model": "n"}, "p", base) != key
    hot = base.model_copy(update={"temperature": 0.7})
    assert completion_cache_key(ident, "p", hot) != completion_cache_key(
        ident, "p", hot.model_copy(update={"sample_index": 1})
    )
    msgs = [Message(role="user", content="p")]
    assert completion_cache_key(ident, msgs, base) != key


async def test_concurrency_limit_is_respected():
    with FakeOpenAIServer(latency_s=0.15) as srv:
        llm = fast_llm(srv, max_concurrency=4)
        await llm.complete_many([f"p{i}" for i in range(20)])
        assert srv.stats.max_in_flight == 4


@pytest.mark.parametrize("cache", [True, False])
async def test_a_returning_call_hands_its_slot_over_before_its_caller_resumes(cache: bool):
    # One slot, two calls: when the first returns (stored and metered), the second is sent
    # before the first's caller runs on (its bookkeeping would otherwise hold the slot idle).
    events: list[str] = []
    with FakeOpenAIServer(latency_s=0.02) as srv:
        llm = fast_llm(srv, max_concurrency=1, cache=cache)
        generate = llm.backend.generate

        async def logged(prompt, *, config):  # type: ignore[no-untyped-def]
            events.append(f"send {prompt}")
            return await generate(prompt, config=config)

        llm.backend.generate = logged  # type: ignore[method-assign]

        async def ask(prompt: str) -> None:
            await llm.complete(prompt)
            events.append(f"resumed {prompt}")

        await asyncio.gather(ask("a"), ask("b"))
    assert events == ["send a", "send b", "resumed a", "resumed b"]


async def test_rpm_limit_spaces_requests(fake_openai):
    llm = fast_llm(fake_openai, rpm=1200, cache=False)  # 20/s, burst of 20
    start = time.perf_counter()
    await llm.complete_many([f"p{i}" for i in range(40)])
    assert time.perf_counter() - start >= 0.9


async def test_metering_exact_token_totals_per_phase(fake_openai):
    llm = fast_llm(fake_openai)
    meter = Meter()
    answer_prompts = [" ".join(["w"] * (i + 1)) for i in range(30)]
    judge_prompts = [f"judge this {i}" for i in range(10)]
    with use_meter(meter):
        with phase("answer"):
            answers = await llm.complete_many(answer_prompts)
        with phase("judge"):
            await llm.complete_many(judge_prompts)
    report = meter.report()
    ans, jud = report.phase("answer"), report.phase("judge")
    assert ans is not None and jud is not None
    assert ans.calls == 30 and jud.calls == 10
    assert ans.prompt_tokens == sum(count_tokens(p) for p in answer_prompts) == 465
    assert ans.completion_tokens == sum(count_tokens(c.text) for c in answers)
    assert jud.prompt_tokens == 30
    assert report.total.prompt_tokens == fake_openai.stats.prompt_tokens
    assert report.total.completion_tokens == fake_openai.stats.completion_tokens
    assert report.total.latency_p50_s is not None
    assert report.total.latency_p50_s <= report.total.latency_p95_s
    assert report.total.cost_usd is None and report.total.cost_str == "unknown"


async def test_batch_of_500_with_faults_loses_nothing():
    faults = [
        Fault("500", probability=0.08),
        Fault("429", probability=0.05, retry_after_s=0),
        Fault("malformed", probability=0.02),
        Fault("drop", probability=0.02),
    ]
    with FakeOpenAIServer(
        reply=lambda req: f"answer to {req.prompt.split()[-1]}",
        latency_s=0.005,
        faults=faults,
        seed=1234,
    ) as srv:
        llm = fast_llm(srv, max_concurrency=32, cache=False)
        prompts = [f"please answer item {i}" for i in range(500)]
        meter = Meter()
        with use_meter(meter), phase("answer"):
            results = await llm.complete_many(prompts, config=GenerateConfig(max_retries=12))
        stats = srv.stats
    assert [r.text for r in results] == [f"answer to {i}" for i in range(500)]
    injected = sum(stats.faults.values())
    assert injected > 40  # the plan did inject faults
    total = meter.report().total
    assert total.retries == injected
    assert stats.requests == 500 + injected
    assert total.calls == 500 and total.failures == 0
    assert total.prompt_tokens == 500 * 4
    assert total.completion_tokens == 500 * 3


def test_complete_sync_and_separate_loops(fake_openai):
    llm = fast_llm(fake_openai, cache=False)
    assert llm.complete_sync("a b").text == "echo: a b"
    assert llm.complete_sync("c d").text == "echo: c d"  # a fresh loop must not break the pool
    assert fake_openai.stats.requests == 2


async def test_cache_survives_concurrent_threads(fake_openai):
    llm = fast_llm(fake_openai)

    def worker(i: int) -> str:
        return llm.complete_sync(f"thread prompt {i % 5}").text

    texts = await asyncio.gather(*(asyncio.to_thread(worker, i) for i in range(20)))
    assert sorted(set(texts)) == [f"echo: thread prompt {i}" for i in range(5)]
    con = sqlite3.connect(llm.cache.path)
    assert con.execute("SELECT COUNT(*) FROM entries").fetchone()[0] == 5
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
