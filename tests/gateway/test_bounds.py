"""JSON bounds for embedded models: the schema transform, and the lease applying it to
``local:`` calls only (a toy model under a grammar otherwise loops inside a string)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openai
import pytest

from memobench._util.hashing import short_hash
from memobench.agents import AgentContext
from memobench.gateway import LOCAL_JSON_BOUNDS, JsonBounds, bound_config, bound_schema
from memobench.llm import GenerateConfig, local_available
from memobench.testing import FakeOpenAIServer, FakeRequest

B = JsonBounds(max_string=50, max_items=3)

NOTE = {
    "type": "object",
    "properties": {
        "context": {"type": "string"},
        "short": {"type": "string", "maxLength": 10},
        "long_min": {"type": "string", "minLength": 80},
        "kind": {"type": "string", "enum": ["a", "b"]},
        "keywords": {"type": "array", "items": {"type": "string"}},
        "pair": {"type": "array", "minItems": 5, "items": {"$ref": "#/$defs/tag"}},
        "maybe": {"type": ["string", "null"]},
        "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        "n": {"type": "integer"},
    },
    "$defs": {"tag": {"type": "object", "properties": {"t": {"type": "string"}}}},
    "required": ["context"],
}


def test_bound_schema_caps_every_string_and_array_and_keeps_the_schema_satisfiable() -> None:
    out = bound_schema(NOTE, B)
    p = out["properties"]
    assert p["context"]["maxLength"] == 50
    assert p["short"]["maxLength"] == 10  # a smaller own bound is kept
    assert p["long_min"]["maxLength"] == 80  # never below minLength
    assert "maxLength" not in p["kind"]  # an enum is bounded already
    assert p["keywords"]["maxItems"] == 3 and p["keywords"]["items"]["maxLength"] == 50
    assert p["pair"]["maxItems"] == 5  # raised to minItems
    assert p["maybe"]["maxLength"] == 50 and p["either"]["anyOf"][0]["maxLength"] == 50
    assert "maxLength" not in p["n"] and "maxLength" not in p["either"]["anyOf"][1]
    assert out["$defs"]["tag"]["properties"]["t"]["maxLength"] == 50
    assert out["required"] == ["context"]
    assert "maxLength" not in NOTE["properties"]["context"]  # a copy: the input is untouched
    assert bound_schema(True, B) is True


def test_bound_config_bounds_schema_and_both_tool_forms_and_leaves_plain_calls_alone() -> None:
    plain = GenerateConfig(max_tokens=64)
    assert bound_config(plain, B) is plain
    params = {"type": "object", "properties": {"content": {"type": "string"}}}
    cfg = GenerateConfig(
        json_schema=NOTE,
        tools=(
            {"type": "function", "function": {"name": "Memory", "parameters": params}},
            {"name": "Flat", "parameters": params},
        ),
    )
    got = bound_config(cfg, B)
    assert (
        got.json_schema is not None and got.json_schema["properties"]["context"]["maxLength"] == 50
    )
    assert got.tools is not None
    nested, flat = got.tools
    assert nested["function"]["parameters"]["properties"]["content"]["maxLength"] == 50
    assert nested["function"]["name"] == "Memory" and nested["type"] == "function"
    assert flat["parameters"]["properties"]["content"]["maxLength"] == 50 and flat["name"] == "Flat"
    assert cfg.tools is not None and "maxLength" not in json.dumps(cfg.tools)  # input untouched


def _note_call(client: openai.OpenAI, text: str) -> Any:
    return client.chat.completions.create(
        model="memobench",
        messages=[{"role": "user", "content": text}],
        max_tokens=1024,
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "note", "schema": {
                "type": "object",
                "properties": {"context": {"type": "string"}, "tags": {
                    "type": "array", "items": {"type": "string"}}},
                "required": ["context", "tags"],
            }},
        },
    )  # fmt: skip


def _through(lease: Any, call: Callable[[openai.OpenAI, str], Any], text: str) -> Any:
    """``call`` made by an SDK client pointed at ``lease``, from an agent's loop; then the
    lease is closed."""

    async def main() -> Any:
        with lease.bound():
            client = openai.OpenAI(base_url=lease.base_url, api_key=lease.key, max_retries=0)
            return await lease.run_sync(call, client, text)

    try:
        return asyncio.run(main())
    finally:
        lease.close()


def test_hosted_models_get_the_sdk_schema_as_it_is(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []

    def note(body: dict[str, Any]) -> dict[str, Any]:  # sees the request the model got
        seen.append(body["response_format"])
        return {"context": "c"}

    with FakeOpenAIServer(schema_replies={"note": note}) as srv:
        ctx = AgentContext(
            conversation_id="c1", speakers=("A", "B"), reader_spec="openai:fake",
            work_dir=tmp_path / "c1", llm_options={"base_url": srv.base_url},
        )  # fmt: skip
        lease = ctx.gateway()

        _through(lease, _note_call, "note this")
    assert len(seen) == 1 and seen[0]["json_schema"]["schema"]["properties"]["context"] == {
        "type": "string"
    }
    assert lease.bounded == 0
    assert "json_bounds" not in lease.record()


@pytest.mark.skipif(not local_available("smollm2-135m"), reason="embedded SmolLM2 not installed")
def test_an_embedded_model_writes_bounded_json_through_the_gateway(tmp_path: Path) -> None:
    # SmolLM2 asked to copy a long repetitive text: under the bare grammar it copies on to
    # max_tokens (measured: 1,024 tokens, 3,824 chars, 64 s on a loaded 2-core machine; with
    # the bounds: 168 tokens, 17.7 s).
    ctx = AgentContext(
        conversation_id="c1", speakers=("A", "B"), reader_spec="local:smollm2-135m",
        work_dir=tmp_path / "c1", llm_options={"cache": False},
    )  # fmt: skip
    lease = ctx.gateway()
    assert lease.local_json_bounds == LOCAL_JSON_BOUNDS
    text = "Copy this text exactly into the context field: " + "banana, apple, " * 150
    reply = _through(lease, _note_call, text)
    note = json.loads(reply.choices[0].message.content)
    assert len(note["context"]) <= LOCAL_JSON_BOUNDS.max_string
    assert len(note["tags"]) <= LOCAL_JSON_BOUNDS.max_items
    assert all(len(t) <= LOCAL_JSON_BOUNDS.max_string for t in note["tags"])
    assert reply.usage.completion_tokens < 1024  # ended by the grammar, not by max_tokens
    assert lease.bounded == 1
    assert lease.record()["json_bounds"] == {"max_string": 400, "max_items": 12, "calls": 1}


FACTS = {
    "type": "object",
    "properties": {
        "memory": {
            "type": "array",
            "maxItems": 3,
            "items": {
                "type": "object",
                "properties": {"text": {"type": "string", "maxLength": 60}},
                "required": ["text"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["memory"],
    "additionalProperties": False,
}


def _json_object_call(client: openai.OpenAI, text: str) -> Any:
    return client.chat.completions.create(
        model="memobench",
        messages=[
            {"role": "system", "content": 'Extract facts as {"memory": [{"text": ...}]}.'},
            {"role": "user", "content": text},
        ],
        max_tokens=300,
        response_format={"type": "json_object"},
    )


def test_a_schemaless_json_call_reaches_a_hosted_model_as_asked(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []

    def reply(req: FakeRequest) -> str:
        seen.append(req.body)
        return '{"memory": []}'

    with FakeOpenAIServer(reply=reply) as srv:
        ctx = AgentContext(
            conversation_id="c1", speakers=("A", "B"), reader_spec="openai:fake",
            work_dir=tmp_path / "c1", llm_options={"base_url": srv.base_url},
        )  # fmt: skip
        lease = ctx.gateway()
        lease.json_object_schema = FACTS

        _through(lease, _json_object_call, "I live in Paris.")
    (body,) = seen
    assert body["response_format"] == {"type": "json_object"}
    assert lease.shaped == 0 and "json_object_schema" not in lease.record()


@pytest.mark.skipif(
    not (local_available("smollm2-135m") and local_available("gemma3-270m")),
    reason="embedded SmolLM2 and Gemma 3 not installed",
)
def test_a_long_schemaless_json_call_is_routed_and_written_in_the_systems_shape(
    tmp_path: Path,
) -> None:
    # mem0's path: a prompt beyond the reader's 4,096-token window, asking json_object with no
    # schema. It goes to Gemma 3 (32K, a base model: chat rendered as a completion prompt),
    # constrained to the lease's reply schema, so the system's parser finds its key.
    ctx = AgentContext(
        conversation_id="c1", speakers=("A", "B"), reader_spec="local:smollm2-135m",
        work_dir=tmp_path / "c1", llm_options={"cache": False},
    )  # fmt: skip
    lease = ctx.gateway()
    lease.json_object_schema = FACTS
    text = "Caroline moved to Paris in May 2023 and adopted a dog. " * 240  # ~13K characters
    reply = _through(lease, _json_object_call, text)
    data = json.loads(reply.choices[0].message.content)
    assert set(data) == {"memory"} and len(data["memory"]) <= 3
    assert all(set(m) == {"text"} and len(m["text"]) <= 60 for m in data["memory"])
    record = lease.record()
    assert record["routed"] == {"local:smollm2-135m -> local:gemma3-270m": 1}
    assert record["served"] == {"local:gemma3-270m": 1}
    assert record["json_object_schema"] == {"hash": short_hash(FACTS), "calls": 1}
