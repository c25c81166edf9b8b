"""Structured output (JSON schemas, tool calls) in OpenAI-compatible requests, per dialect.

``openai``: endpoints that take ``response_format: json_schema`` and ``tools`` natively; both
pass through. ``llama_cpp``: the embedded ``llama_cpp.server``, which accepts only ``text`` and
``json_object`` (+ its ``schema`` extension, compiled to a grammar) and answers ``tools`` with
plain text unless one tool is named: a schema becomes ``json_object`` + schema, and tools are
emulated as one grammar-constrained JSON object ``{"name": ..., "arguments": {...}}`` parsed
back into a tool call, so even a 135M model returns a well-formed call.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from ._types import GenerateConfig, ToolCall

Dialect = Literal["openai", "llama_cpp"]


def _functions(config: GenerateConfig) -> list[dict[str, Any]]:
    return [t.get("function", t) for t in config.tools or () if t.get("type", "function")]


def _chosen(config: GenerateConfig) -> list[dict[str, Any]]:
    """The tools the model may call under ``tool_choice`` (none when it is ``none``)."""
    funcs = _functions(config)
    choice = config.tool_choice
    if choice == "none":
        return []
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name") or choice.get("name")
        named = [f for f in funcs if f.get("name") == name]
        return named or funcs
    return funcs


def emulates_tools(config: GenerateConfig, dialect: Dialect) -> bool:
    return dialect == "llama_cpp" and bool(_chosen(config))


def tool_call_schema(config: GenerateConfig) -> dict[str, Any]:
    """One JSON object naming a tool and carrying its arguments, for the offered tools.

    ``auto`` is treated as ``required`` here: the SDKs that offer tools (LangMem/trustcall)
    store nothing unless a tool is called.
    """
    branches = [
        {
            "type": "object",
            "properties": {
                "name": {"type": "string", "enum": [f["name"]]},
                "arguments": f.get("parameters") or {"type": "object"},
            },
            "required": ["name", "arguments"],
        }
        for f in _chosen(config)
    ]
    return branches[0] if len(branches) == 1 else {"anyOf": branches}


def request_fields(config: GenerateConfig, dialect: Dialect) -> dict[str, Any]:
    """The ``response_format`` / ``tools`` fields of a chat request for ``config``."""
    out: dict[str, Any] = {}
    if emulates_tools(config, dialect):
        out["response_format"] = {"type": "json_object", "schema": tool_call_schema(config)}
        return out
    if config.json_schema is not None:
        if dialect == "llama_cpp":
            out["response_format"] = {"type": "json_object", "schema": config.json_schema}
        else:
            spec: dict[str, Any] = {
                "name": config.schema_name or "response",
                "schema": config.json_schema,
            }
            out["response_format"] = {"type": "json_schema", "json_schema": spec}
    elif config.response_format == "json":
        out["response_format"] = {"type": "json_object"}
    if config.tools and dialect == "openai":
        out["tools"] = list(config.tools)
        if config.tool_choice is not None:
            out["tool_choice"] = config.tool_choice
    return out


def _call_id(name: str, arguments: str) -> str:
    digest = hashlib.sha256(f"{name}\0{arguments}".encode()).hexdigest()[:24]
    return f"call_{digest}"


def parse_tool_calls(
    message: dict[str, Any], config: GenerateConfig, dialect: Dialect
) -> tuple[str, tuple[ToolCall, ...]]:
    """(text, tool calls) of a reply message: native calls, or the emulated JSON object."""
    text = message.get("content") or ""
    native = message.get("tool_calls") or []
    if native:
        calls = tuple(
            ToolCall(
                id=c.get("id") or _call_id(c["function"]["name"], c["function"]["arguments"]),
                name=c["function"]["name"],
                arguments=c["function"].get("arguments") or "{}",
            )
            for c in native
        )
        return text, calls
    if not emulates_tools(config, dialect):
        return text, ()
    try:
        obj = json.loads(text)
    except json.JSONDecodeError:
        return text, ()  # the caller sees plain text, as from a model that ignored the tools
    if not isinstance(obj, dict) or not isinstance(obj.get("name"), str):
        return text, ()
    args = json.dumps(obj.get("arguments") or {}, sort_keys=True)
    return "", (ToolCall(id=_call_id(obj["name"], args), name=obj["name"], arguments=args),)
