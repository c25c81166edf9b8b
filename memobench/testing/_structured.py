"""What the fake server needs for vendor SDKs: schema-valid JSON, tool calls, word embeddings.

``minimal_instance`` builds the smallest value a JSON schema accepts (``$ref`` resolved, first
branch of ``anyOf``/``oneOf``, required properties only, empty arrays, first ``enum`` value),
so an SDK that validates replies against a pydantic model gets one that parses. Per-name
overrides (schema name or tool name) are merged on top to script real content.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

#: trustcall's own repair/patch tools: never what a test means by "the tool".
INTERNAL_TOOLS = frozenset({"PatchDoc", "RemoveDoc", "PatchFunctionErrors"})

Override = Mapping[str, Any] | Callable[[dict[str, Any]], Any]
"""A dict merged onto the minimal instance, or a function of the request body returning one."""


def minimal_instance(schema: Mapping[str, Any], root: Mapping[str, Any] | None = None) -> Any:
    """The smallest value ``schema`` accepts (see module docstring)."""
    root = root if root is not None else schema
    if "$ref" in schema:
        ref = str(schema["$ref"])
        node: Any = root
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return minimal_instance(node, root)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return minimal_instance(schema[key][0], root)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if "default" in schema and kind not in ("object", "array"):
        return schema["default"]
    if kind == "object" or (kind is None and "properties" in schema):
        props = schema.get("properties") or {}
        names = schema.get("required")
        names = list(props) if names is None else names
        return {n: minimal_instance(props.get(n, {}), root) for n in names}
    if kind == "array":
        return [minimal_instance(schema["items"], root)] * int(schema.get("minItems", 0) or 0)
    if kind == "string":
        return "x"
    if kind in ("integer", "number"):
        return 0
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return {}


def scripted(
    schema: Mapping[str, Any], name: str | None, overrides: Mapping[str, Override], body: Any
) -> Any:
    """The minimal instance with ``overrides[name]`` merged on top (objects merge shallowly)."""
    value = minimal_instance(schema)
    over = overrides.get(name or "")
    if callable(over):
        over = over(body)
    if over is None:
        return value
    if isinstance(value, dict) and isinstance(over, Mapping):
        return {**value, **over}
    return over


def schema_of(body: Mapping[str, Any]) -> tuple[dict[str, Any], str | None] | None:
    """(schema, name) a chat request asks for: OpenAI ``json_schema`` or llama.cpp's extension."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema") or {}
        return spec.get("schema") or {}, spec.get("name")
    if fmt.get("type") == "json_object" and isinstance(fmt.get("schema"), dict):
        return fmt["schema"], fmt["schema"].get("title")
    return None


def pick_tool(body: Mapping[str, Any], overrides: Mapping[str, Override]) -> dict[str, Any] | None:
    """The tool a scripted model calls: the named choice, a scripted one, else the first that
    is not trustcall's internal tool (a blind first pick stores nothing with trustcall)."""
    tools = [t.get("function", t) for t in body.get("tools") or []]
    choice = body.get("tool_choice")
    if not tools or choice == "none":
        return None
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name")
        return next((t for t in tools if t.get("name") == name), None)
    for pool in (
        [t for t in tools if t.get("name") in overrides],
        [t for t in tools if t.get("name") not in INTERNAL_TOOLS],
        tools,
    ):
        if pool:
            return pool[0]
    return None


def tool_call_message(tool: Mapping[str, Any], args: Any, index: int) -> dict[str, Any]:
    call = {
        "id": f"call_fake_{index}",
        "type": "function",
        "function": {"name": tool["name"], "arguments": json.dumps(args)},
    }
    return {"role": "assistant", "content": None, "tool_calls": [call]}


_WORD = re.compile(r"[a-z0-9]+")


def bow_embedding(text: str, dim: int = 384) -> list[float]:
    """Hashed bag of words: each token adds ±1 to one of ``dim`` buckets, then L2 norm.

    Deterministic, any width, and texts sharing words are similar, so a paraphrased query
    still finds its memory.
    """
    vec = [0.0] * dim
    for token in _WORD.findall(text.lower()):
        digest = hashlib.sha256(token.encode()).digest()
        bucket = int.from_bytes(digest[:4], "big") % dim
        vec[bucket] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vec))
    if norm == 0:
        vec[0], norm = 1.0, 1.0  # an empty text still gets a valid unit vector
    return [v / norm for v in vec]
