"""Length bounds on the JSON an embedded model is constrained to write for an SDK.

A toy model under a grammar does not always find the end of a JSON string: SmolLM2-135M fills
A-Mem's ``context`` or LangMem's memory ``content`` with one phrase repeated until
``max_tokens`` (1,024 tokens, ~40 s a call on 2 cores), and a 369-note A-Mem ingest becomes
hours. With ``maxLength`` on every string and ``maxItems`` on every array of the requested
schema (and of every offered tool's parameters), the grammar closes the string or the array
at the bound, so each call ends in a bounded number of tokens. Only calls served by an
embedded ``local:`` model are bounded; hosted endpoints get the SDK's schema as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..llm import GenerateConfig


@dataclass(frozen=True)
class JsonBounds:
    """The bounds one lease imposes (recorded in each answer's gateway record)."""

    max_string: int = 400
    """``maxLength`` of every string (a schema's own smaller bound is kept)."""
    max_items: int = 12
    """``maxItems`` of every array (raised to the array's ``minItems`` where that is larger)."""

    def record(self) -> dict[str, int]:
        return {"max_string": self.max_string, "max_items": self.max_items}


#: What the gateway imposes on embedded models unless a lease says otherwise.
LOCAL_JSON_BOUNDS = JsonBounds()

_SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties")


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("type")
    if isinstance(kind, str):
        return {kind}
    return {k for k in kind if isinstance(k, str)} if isinstance(kind, list) else set()


def bound_schema(schema: Any, bounds: JsonBounds) -> Any:
    """A copy of ``schema`` with ``bounds`` on its strings and arrays; anything that is not a
    schema object (``true``, a malformed node) is returned as it is."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = dict(schema)
    kinds = _types(schema)
    if "string" in kinds and "enum" not in schema and "const" not in schema:
        own = schema.get("maxLength")
        out["maxLength"] = (
            bounds.max_string if not isinstance(own, int) else min(own, bounds.max_string)
        )
        low = schema.get("minLength")
        if isinstance(low, int) and low > out["maxLength"]:
            out["maxLength"] = low  # never an unsatisfiable schema
    if "array" in kinds:
        own = schema.get("maxItems")
        cap = bounds.max_items if not isinstance(own, int) else min(own, bounds.max_items)
        low = schema.get("minItems")
        out["maxItems"] = max(cap, low) if isinstance(low, int) else cap
    for key in _SUBSCHEMA_LISTS:
        if isinstance(schema.get(key), list):
            out[key] = [bound_schema(s, bounds) for s in schema[key]]
    for key in _SUBSCHEMA_MAPS:
        if isinstance(schema.get(key), dict):
            out[key] = {k: bound_schema(s, bounds) for k, s in schema[key].items()}
    for key in ("items", "additionalProperties", "not"):
        if isinstance(schema.get(key), dict):
            out[key] = bound_schema(schema[key], bounds)
    return out


def bound_config(config: GenerateConfig, bounds: JsonBounds) -> GenerateConfig:
    """``config`` with ``bounds`` on its JSON schema and on each tool's parameters (unchanged,
    the same object, when it asks for neither)."""
    update: dict[str, Any] = {}
    if config.json_schema is not None:
        update["json_schema"] = bound_schema(config.json_schema, bounds)
    if config.tools:
        tools = []
        for tool in config.tools:
            nested = isinstance(tool.get("function"), dict)
            fn = tool["function"] if nested else tool  # OpenAI's form, or the flat one
            if isinstance(fn.get("parameters"), dict):
                fn = {**fn, "parameters": bound_schema(fn["parameters"], bounds)}
                tool = {**tool, "function": fn} if nested else fn
            tools.append(tool)
        update["tools"] = tuple(tools)
    return config.model_copy(update=update) if update else config
