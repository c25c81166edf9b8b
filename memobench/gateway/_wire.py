"""OpenAI wire format ↔ memobench's LLM records, for the gateway.

Requests become a chat prompt plus a ``GenerateConfig``; tool traffic (assistant tool calls,
``tool`` results) is rendered as text, since memobench's ``Message`` carries text only.
Temperature is forced to 0 and ``max_tokens`` capped: SDKs default to temperature 1 (A-Mem,
graphiti) or 16,384 tokens (graphiti), which would make reruns miss the cache or toy models
ramble for minutes.
"""

from __future__ import annotations

import json
import time
from typing import Any

from ..errors import ConfigError
from ..llm import Completion, GenerateConfig, Message

#: Default ceiling on ``max_tokens`` for SDK calls (override per lease).
DEFAULT_MAX_TOKENS = 1024


class BadRequest(ConfigError):
    """A request the gateway cannot serve (answered with HTTP 400)."""


def _text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: keep the text ones
        return "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content)


def to_messages(raw: Any) -> list[Message]:
    if not isinstance(raw, list) or not raw:
        raise BadRequest("'messages' must be a non-empty list")
    out: list[Message] = []
    for m in raw:
        role = m.get("role")
        content = _text(m.get("content"))
        if role in ("system", "developer"):
            out.append(Message(role="system", content=content))
        elif role == "user":
            out.append(Message(role="user", content=content))
        elif role == "assistant":
            calls = m.get("tool_calls") or []
            if calls:
                rendered = json.dumps(
                    [
                        {"name": c["function"]["name"], "arguments": c["function"]["arguments"]}
                        for c in calls
                    ]
                )
                content = f"{content}\n[tool calls] {rendered}".strip()
            out.append(Message(role="assistant", content=content))
        elif role in ("tool", "function"):
            ref = m.get("tool_call_id") or m.get("name") or ""
            out.append(Message(role="user", content=f"[tool result {ref}] {content}".strip()))
        else:
            raise BadRequest(f"unsupported message role {role!r}")
    return out


def to_config(body: dict[str, Any], *, max_tokens_cap: int) -> GenerateConfig:
    asked = body.get("max_completion_tokens") or body.get("max_tokens") or max_tokens_cap
    stop = body.get("stop")
    stops = (stop,) if isinstance(stop, str) else tuple(stop or ()) or None
    fields: dict[str, Any] = {
        "max_tokens": min(int(asked), max_tokens_cap),
        "temperature": 0.0,
        "stop": stops,
        "seed": body.get("seed"),
    }
    fmt = body.get("response_format") or {}
    kind = fmt.get("type", "text")
    if kind == "json_schema":
        spec = fmt.get("json_schema") or {}
        fields.update(json_schema=spec.get("schema") or {}, schema_name=spec.get("name"))
    elif kind == "json_object":
        fields["response_format"] = "json"
        if isinstance(fmt.get("schema"), dict):  # the llama.cpp extension, passed on
            fields["json_schema"] = fmt["schema"]
    elif kind != "text":
        raise BadRequest(f"unsupported response_format type {kind!r}")
    tools = [t for t in body.get("tools") or [] if t.get("type", "function") == "function"]
    if tools:
        choice = body.get("tool_choice")
        if choice == "any":  # Anthropic's spelling, sent by some LangChain versions
            choice = "required"
        fields.update(tools=tuple(tools), tool_choice=choice)
    return GenerateConfig(**fields)


def chat_response(c: Completion, *, model: str, request_id: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": c.text}
    if c.tool_calls:
        message["content"] = c.text or None
        message["tool_calls"] = [
            {"id": t.id, "type": "function", "function": {"name": t.name, "arguments": t.arguments}}
            for t in c.tool_calls
        ]
    u = c.usage
    return {
        "id": request_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if c.tool_calls else (c.finish_reason or "stop"),
            }
        ],
        "usage": {
            "prompt_tokens": u.prompt_tokens,
            "completion_tokens": u.completion_tokens,
            "total_tokens": u.prompt_tokens + u.completion_tokens,
        },
    }


def embedding_inputs(body: dict[str, Any]) -> list[str]:
    raw = body.get("input")
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and all(isinstance(t, str) for t in raw):
        return list(raw)
    raise BadRequest("'input' must be a string or a list of strings (token ids unsupported)")


def embeddings_response(vectors: list[list[float]], *, model: str, tokens: int) -> dict[str, Any]:
    return {
        "object": "list",
        "model": model,
        "data": [
            {"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)
        ],
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
