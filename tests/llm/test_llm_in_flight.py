"""Identical calls in flight at once share one request (against the fake server over HTTP)."""

from __future__ import annotations

import asyncio

import pytest

from memobench.llm import GenerateConfig, LLMError, Meter, get_llm, use_meter
from memobench.testing import FakeOpenAIServer, Fault


def llm_for(srv: FakeOpenAIServer, **opts):
    return get_llm("openai:fake-model", base_url=srv.base_url, retry_base_s=0.001, **opts)


async def test_identical_concurrent_calls_pay_once():
    with FakeOpenAIServer(latency_s=0.2) as srv:
        llm = llm_for(srv)
        meter = Meter()
        with use_meter(meter):
            results = await asyncio.gather(*(llm.complete("same prompt") for _ in range(10)))
            other = await llm.complete("another prompt")
        assert srv.stats.requests == 2
    assert {r.text for r in results} == {"echo: same prompt"} and other.text.endswith(
        "another prompt"
    )
    assert sum(not r.cached for r in results) == 1  # the one that paid
    total = meter.report().total
    assert total.calls == 2 and total.cache_hits == 9
    assert total.prompt_tokens == 2 + 2  # billed once per distinct prompt


async def test_shared_failure_reaches_every_waiter_and_is_asked_once():
    with FakeOpenAIServer(latency_s=0.1, faults=[Fault("503", times=100)]) as srv:
        llm = llm_for(srv)
        cfg = GenerateConfig(max_retries=1)
        outcomes = await asyncio.gather(
            *(llm.complete("doomed", config=cfg) for _ in range(5)), return_exceptions=True
        )
        assert srv.stats.requests == 2  # one call, one retry; not five of each
    assert all(isinstance(o, LLMError) and o.status == 503 for o in outcomes)


@pytest.mark.parametrize("cancelled", ["leader", "waiter"])
async def test_cancelling_one_of_two_identical_calls(cancelled):
    with FakeOpenAIServer(latency_s=0.3) as srv:
        llm = llm_for(srv)
        leader = asyncio.create_task(llm.complete("shared"))
        await asyncio.sleep(0.05)
        waiter = asyncio.create_task(llm.complete("shared"))
        await asyncio.sleep(0.05)
        gone, kept = (leader, waiter) if cancelled == "leader" else (waiter, leader)
        gone.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gone
        result = await kept
        assert result.text == "echo: shared" and not result.cached
        # A cancelled leader hands over: the waiter asks itself. A cancelled waiter changes
        # nothing for the leader.
        assert srv.stats.requests == (2 if cancelled == "leader" else 1)


async def test_without_cache_identical_calls_are_independent():
    # Sampling studies disable the cache to get fresh draws; those must not be merged.
    with FakeOpenAIServer(latency_s=0.1) as srv:
        llm = llm_for(srv, cache=False)
        await asyncio.gather(*(llm.complete("draw") for _ in range(4)))
        assert srv.stats.requests == 4


async def test_a_dry_run_never_answers_a_real_call():
    with FakeOpenAIServer(latency_s=0.2) as srv:
        dry = llm_for(srv, dry_run=True)
        real = llm_for(srv)
        filler, answer = await asyncio.gather(dry.complete("same"), real.complete("same"))
        again = await dry.complete("same")  # now the real answer is cached: a free hit
        assert srv.stats.requests == 1
    assert filler.text.startswith("x x") and not filler.cached
    assert answer.text == "echo: same" and not answer.cached
    assert again.text == "echo: same" and again.cached
