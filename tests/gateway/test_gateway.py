"""The gateway: real HTTP on 127.0.0.1 in front of memobench's LLM layer and a fake endpoint."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import openai
import pytest

from memobench.agents import AgentContext
from memobench.llm import Meter, phase, use_meter
from memobench.testing import FakeOpenAIServer, FakeRequest


def _context(srv: FakeOpenAIServer, conv: str, tmp_path: Path) -> AgentContext:
    return AgentContext(
        conversation_id=conv,
        speakers=("A", "B"),
        reader_spec="openai:fake-model",
        work_dir=tmp_path / conv,
        llm_options={"base_url": srv.base_url},
    )


def _sdk(lease: Any) -> openai.OpenAI:
    return openai.OpenAI(base_url=lease.base_url, api_key=lease.key, max_retries=0)


def _ask(client: openai.OpenAI, text: str, **kw: Any) -> Any:
    return client.chat.completions.create(
        model="memobench", messages=[{"role": "user", "content": text}], **kw
    )


def test_calls_are_cached_and_metered_in_the_bound_phase(tmp_path: Path) -> None:
    with FakeOpenAIServer(reply=lambda r: f"re: {r.prompt}") as srv:
        lease = _context(srv, "c1", tmp_path).gateway()
        meter = Meter()

        async def main() -> list[str]:
            with use_meter(meter), phase("ingest"), lease.bound():
                client = _sdk(lease)
                # Sync SDK calls from a worker thread, as the adapters make them.
                first = await lease.run_sync(_ask, client, "hello", temperature=1.0)
                again = await lease.run_sync(_ask, client, "hello", temperature=0.7)
                return [first.choices[0].message.content, again.choices[0].message.content]

        assert asyncio.run(main()) == ["re: hello", "re: hello"]
        assert srv.stats.by_path["/v1/chat/completions"] == 1  # the rerun was a cache hit
        row = meter.report().phase("ingest")
        assert row is not None and (row.calls, row.cache_hits) == (1, 1)
        assert lease.served == {"openai:fake-model": 2}
        lease.close()


def test_concurrent_conversations_are_attributed_to_their_own_meter_and_phase(
    tmp_path: Path,
) -> None:
    with FakeOpenAIServer(reply=lambda r: r.prompt, latency_s=0.01) as srv:
        leases = {c: _context(srv, c, tmp_path).gateway() for c in ("ca", "cb")}
        meters = {"ca": Meter(), "cb": Meter()}
        phases = {"ca": "ingest", "cb": "answer"}

        async def conversation(conv: str) -> None:
            lease = leases[conv]
            with use_meter(meters[conv]), phase(phases[conv]), lease.bound():
                client = _sdk(lease)
                await asyncio.gather(
                    *(lease.run_sync(_ask, client, f"{conv} q{i}") for i in range(12))
                )

        async def main() -> None:
            await asyncio.gather(conversation("ca"), conversation("cb"))

        asyncio.run(main())
        for conv, meter in meters.items():
            rows = meter.report().by_phase
            assert [(r.phase, r.calls) for r in rows] == [(phases[conv], 12)]
        assert srv.stats.max_in_flight > 1  # the calls really overlapped
        for lease in leases.values():
            lease.close()


def test_json_schema_and_tools_pass_through_to_openai_endpoints(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"facts": {"type": "array", "items": {"type": "string"}}},
        "required": ["facts"],
    }
    with FakeOpenAIServer(
        schema_replies={"Facts": {"facts": ["a"]}, "Memory": {"content": "m"}}
    ) as srv:
        lease = _context(srv, "c", tmp_path).gateway()
        client = _sdk(lease)
        r = _ask(
            client,
            "x",
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "Facts", "schema": schema},
            },
        )
        assert json.loads(r.choices[0].message.content) == {"facts": ["a"]}
        tool = {
            "type": "function",
            "function": {
                "name": "Memory",
                "parameters": {"type": "object", "properties": {"content": {"type": "string"}}},
            },
        }
        r = _ask(client, "y", tools=[tool], tool_choice="required")
        call = r.choices[0].message.tool_calls[0]
        assert r.choices[0].finish_reason == "tool_calls"
        assert (call.function.name, json.loads(call.function.arguments)) == (
            "Memory",
            {"content": "m"},
        )
        lease.close()


def test_embeddings_use_memobench_embedder_and_check_dimensions(tmp_path: Path) -> None:
    with FakeOpenAIServer() as srv:
        lease = _context(srv, "c", tmp_path).gateway()
        client = _sdk(lease)
        out = client.embeddings.create(model="e", input=["a dog", "a cat"], dimensions=384)
        assert [len(d.embedding) for d in out.data] == [384, 384]
        assert out.data[0].embedding == lease.embedder.embed(["a dog"])[0]
        assert srv.stats.requests == 0  # served locally, not by the model endpoint
        with pytest.raises(openai.BadRequestError, match="dimensions=1536"):
            client.embeddings.create(model="e", input="x", dimensions=1536)
        models = [m.id for m in client.models.list()]
        assert models == ["memobench"]
        lease.close()


def test_unknown_or_revoked_keys_are_refused(tmp_path: Path) -> None:
    with FakeOpenAIServer() as srv:
        lease = _context(srv, "c", tmp_path).gateway()
        bad = openai.OpenAI(base_url=lease.base_url, api_key="mb-gw-wrong", max_retries=0)
        with pytest.raises(openai.AuthenticationError):
            _ask(bad, "x")
        client = _sdk(lease)
        assert _ask(client, "ok").choices[0].message.content
        lease.close()
        with pytest.raises(openai.AuthenticationError):
            _ask(client, "again")


def test_model_errors_reach_the_sdk_without_inviting_its_retries(tmp_path: Path) -> None:
    def reply(req: FakeRequest) -> str:
        raise AssertionError("never reached")

    with FakeOpenAIServer(reply=reply) as srv:
        ctx = _context(srv, "c", tmp_path)
        ctx.llm_options["base_url"] = "http://127.0.0.1:9/v1"  # nothing listens there
        ctx.llm_options["retry_base_s"] = 0.0
        lease = ctx.gateway()
        with pytest.raises(openai.APIStatusError) as err:
            _ask(_sdk(lease), "x", timeout=30)
        assert err.value.status_code == 424
        lease.close()


def test_routes_send_named_models_to_another_spec(tmp_path: Path) -> None:
    with FakeOpenAIServer(reply=lambda r: r.model) as srv:
        ctx = _context(srv, "c", tmp_path)
        lease = ctx.gateway(routes={"long": "openai:other-model"})
        client = _sdk(lease)
        assert _ask(client, "x").choices[0].message.content == "fake-model"
        r = client.chat.completions.create(
            model="long", messages=[{"role": "user", "content": "x"}]
        )
        assert r.choices[0].message.content == "other-model"
        assert lease.served == {"openai:fake-model": 1, "openai:other-model": 1}
        lease.close()


def test_one_lease_per_context_and_distinct_keys(tmp_path: Path) -> None:
    with FakeOpenAIServer() as srv:
        a, b = _context(srv, "a", tmp_path), _context(srv, "b", tmp_path)
        assert a.gateway() is a.gateway()
        assert a.gateway().key != b.gateway().key
        assert a.gateway().base_url.startswith("http://127.0.0.1:")
        assert threading.main_thread().is_alive()
        a.gateway().close()
        b.gateway().close()
