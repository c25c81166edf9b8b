"""Routing by context window: the fake server plays a short-window and a long-window model."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import openai
import pytest

from memobench.agents import AgentContext
from memobench.gateway import ContextRouter, auto_router, estimate_tokens, local_windows
from memobench.llm import LOCAL_MODELS, Message, Meter, local_available, phase, use_meter
from memobench.testing import FakeOpenAIServer

SMALL, BIG = "openai:fake-small", "openai:fake-big"
WINDOWS = {SMALL: 600, BIG: 32_768}


def test_router_keeps_calls_that_fit_and_moves_the_rest_to_the_least_window_that_fits() -> None:
    mid = "openai:fake-mid"
    router = ContextRouter(windows={**WINDOWS, mid: 2_000}, fallbacks=(mid, BIG))
    short = [Message(role="user", content="hi")]
    medium = [Message(role="user", content="x" * 4_000)]  # ~1.3K tokens
    long = [Message(role="user", content="x" * 30_000)]  # ~10K tokens
    assert router.route(SMALL, short, 100).served_by == SMALL
    assert router.route(SMALL, medium, 100).served_by == mid
    assert router.route(SMALL, long, 100).served_by == BIG
    # max_tokens counts: a short prompt asking for more than the window is moved too.
    assert router.route(SMALL, short, 1_000).served_by == mid
    # Nothing fits: the call stays (and fails there with the model's own error); unknown
    # windows are never routed.
    huge = [Message(role="user", content="x" * 200_000)]
    assert router.route(SMALL, huge, 100).served_by == SMALL
    assert router.route("openai:unknown", long, 100).served_by == "openai:unknown"
    assert router.route(SMALL, long, 100).needed == estimate_tokens(long) + 100


def test_auto_router_uses_the_served_windows_of_installed_embedded_models() -> None:
    windows = local_windows()
    assert windows == {f"local:{n}": m.n_ctx for n, m in LOCAL_MODELS.items()}
    router = auto_router("local:smollm2-135m")
    own = windows["local:smollm2-135m"]
    # Only larger windows qualify: Gemma 3 (served at 32K) for the 4K SmolLM2 reader, never
    # the other way round.
    larger = [s for s, w in windows.items() if w > own and local_available(s[len("local:") :])]
    assert router.fallbacks == tuple(sorted(larger, key=lambda s: (windows[s], s)))
    assert windows["local:gemma3-270m"] > own
    if local_available("gemma3-270m"):
        assert router.fallbacks == ("local:gemma3-270m",)
    assert auto_router("local:gemma3-270m").fallbacks == ()
    explicit = auto_router(SMALL, windows=WINDOWS, fallbacks=[BIG])
    assert explicit.fallbacks == (BIG,) and explicit.window(SMALL) == 600


def _context(srv: FakeOpenAIServer, tmp_path: Path) -> AgentContext:
    return AgentContext(
        conversation_id="c1",
        speakers=("A", "B"),
        reader_spec=SMALL,
        work_dir=tmp_path / "c1",
        llm_options={"base_url": srv.base_url},
    )


def _ask(client: openai.OpenAI, text: str) -> Any:
    return client.chat.completions.create(
        model="memobench", messages=[{"role": "user", "content": text}], max_tokens=64
    )


@pytest.mark.parametrize("rerun", [False, True])
def test_gateway_routes_long_calls_records_who_served_them_and_reruns_free(
    tmp_path: Path, rerun: bool
) -> None:
    long_prompt = "Extract the facts. " + "Jon opened a dance studio in May. " * 120
    with FakeOpenAIServer(reply=lambda r: f"{r.model} answered") as srv:
        lease = _context(srv, tmp_path).gateway()
        lease.router = auto_router(SMALL, windows=WINDOWS, fallbacks=[BIG])
        meter = Meter()

        async def main() -> list[str]:
            with use_meter(meter), phase("ingest"), lease.bound():
                client = openai.OpenAI(base_url=lease.base_url, api_key=lease.key, max_retries=0)
                out = []
                for text in ("short question", long_prompt) * (2 if rerun else 1):
                    reply = await lease.run_sync(_ask, client, text)
                    out.append(reply.choices[0].message.content)
                return out

        replies = asyncio.run(main())
        # The short call reached the small model, the long one the big model.
        assert replies[:2] == ["fake-small answered", "fake-big answered"]
        assert srv.stats.models == {"fake-small": 1, "fake-big": 1}
        n = 2 if rerun else 1
        assert lease.served == {SMALL: n, BIG: n}
        assert lease.routed == {f"{SMALL} -> {BIG}": n}
        assert lease.record() == {"served": lease.served, "routed": lease.routed}
        # The usage report shows which model served which calls (repeats are cache hits).
        rows = {r.model: r for r in meter.report().rows if r.phase == "ingest"}
        assert rows[BIG].calls == 1 and rows[SMALL].calls == 1
        assert rows[BIG].cache_hits == (1 if rerun else 0)
        lease.close()
