"""Structured output in requests (per dialect) and the fake server's schema/tool/embedding fakes."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

from memobench.llm import GenerateConfig, Message, completion_cache_key, get_llm
from memobench.testing import FakeOpenAIServer, FakeRequest, bow_embedding, minimal_instance

SCHEMA = {
    "$defs": {
        "Entity": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "kind": {"enum": ["person", "place"]}},
            "required": ["name", "kind"],
        }
    },
    "type": "object",
    "properties": {
        "entities": {"type": "array", "items": {"$ref": "#/$defs/Entity"}, "minItems": 1},
        "note": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        "flag": {"type": "boolean"},
    },
    "required": ["entities", "flag"],
}
#: ``completion_cache_key({"backend": "mock", "model": "x"}, "p", GenerateConfig())`` as main
#: computed it before the structured-output fields were added.
PINNED_KEY = "904de4ac128f1a8b394318d8a9b85225e3f6e748790943cbc506598396f5d66a"
TOOLS = (
    {"type": "function", "function": {"name": "PatchDoc", "parameters": {"type": "object"}}},
    {
        "type": "function",
        "function": {
            "name": "Memory",
            "parameters": {
                "type": "object",
                "properties": {"content": {"type": "string"}},
                "required": ["content"],
            },
        },
    },
)


def test_minimal_instance_resolves_refs_branches_and_required() -> None:
    assert minimal_instance(SCHEMA) == {
        "entities": [{"name": "x", "kind": "person"}],
        "flag": False,
    }


def test_bag_of_words_embeddings_match_paraphrases_at_any_width() -> None:
    def cos(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True))

    for dim in (8, 384, 1536):
        v = bow_embedding("When did Caroline go to the support group?", dim)
        assert len(v) == dim and math.isclose(cos(v, v), 1.0)
    q = bow_embedding("When did Caroline go to the support group?")
    hit = bow_embedding("Caroline went to an LGBTQ support group on 7 May 2023")
    miss = bow_embedding("Melanie painted a sunrise over the lake")
    assert cos(q, hit) > cos(q, miss) + 0.2


def _recording(replies: dict[str, Any] | None = None) -> tuple[FakeOpenAIServer, list[dict]]:
    bodies: list[dict] = []

    def reply(req: FakeRequest) -> str:
        bodies.append(req.body)
        return "plain"

    srv = FakeOpenAIServer(reply=reply, schema_replies=replies)
    orig = srv._structured

    def spy(body: dict, index: int) -> Any:
        bodies.append(body)
        return orig(body, index)

    srv._structured = spy  # type: ignore[method-assign]
    return srv, bodies


def _backend(srv: FakeOpenAIServer, dialect: str | None = None) -> Any:
    extra = {"dialect": dialect} if dialect else {}
    return get_llm("openai:m", base_url=srv.base_url, cache=False, **extra)


def _complete(client: Any, config: GenerateConfig) -> Any:
    return asyncio.run(client.complete([Message(role="user", content="hi")], config=config))


def test_llama_cpp_dialect_turns_a_schema_into_json_object_plus_schema() -> None:
    srv, bodies = _recording()
    with srv:
        backend = _backend(srv, "llama_cpp")
        c = _complete(backend, GenerateConfig(json_schema=SCHEMA, schema_name="Ents"))
        assert bodies[0]["response_format"] == {"type": "json_object", "schema": SCHEMA}
        assert json.loads(c.text) == minimal_instance(SCHEMA)
        openai_style = _backend(srv)
        _complete(openai_style, GenerateConfig(json_schema=SCHEMA, schema_name="Ents"))
        assert bodies[-1]["response_format"] == {
            "type": "json_schema",
            "json_schema": {"name": "Ents", "schema": SCHEMA},
        }


def test_llama_cpp_dialect_emulates_tool_calls_through_constrained_json() -> None:
    # The fake answers the emulation schema with its minimal instance: the first tool's branch.
    srv, bodies = _recording()
    with srv:
        backend = _backend(srv, "llama_cpp")
        named = {"type": "function", "function": {"name": "Memory"}}
        c = _complete(backend, GenerateConfig(tools=TOOLS, tool_choice=named))
        sent = bodies[0]
        assert "tools" not in sent and sent["response_format"]["type"] == "json_object"
        assert sent["response_format"]["schema"]["properties"]["name"]["enum"] == ["Memory"]
        assert c.finish_reason == "tool_calls" and c.text == ""
        assert [(t.name, json.loads(t.arguments)) for t in c.tool_calls] == [
            ("Memory", {"content": "x"})
        ]
        both = _complete(backend, GenerateConfig(tools=TOOLS, tool_choice="required"))
        assert len(bodies[-1]["response_format"]["schema"]["anyOf"]) == 2
        assert both.tool_calls[0].name == "PatchDoc"
        none = _complete(backend, GenerateConfig(tools=TOOLS, tool_choice="none"))
        assert none.tool_calls == () and none.text == "plain"


def test_fake_scripts_tool_calls_skipping_trustcall_internal_tools() -> None:
    srv, _ = _recording({"Memory": lambda body: {"content": "Caroline likes hiking"}})
    with srv:
        backend = _backend(srv)
        c = _complete(backend, GenerateConfig(tools=TOOLS))
        assert [(t.name, json.loads(t.arguments)) for t in c.tool_calls] == [
            ("Memory", {"content": "Caroline likes hiking"})
        ]
        assert c.tool_calls[0].id == "call_fake_0"


def test_cache_keys_of_plain_configs_did_not_change() -> None:
    # The key main computed before the structured fields existed: old caches stay valid.
    key = completion_cache_key({"backend": "mock", "model": "x"}, "p", GenerateConfig())
    assert key == PINNED_KEY
    assert key != completion_cache_key(
        {"backend": "mock", "model": "x"}, "p", GenerateConfig(json_schema={"type": "object"})
    )
