"""Records and interfaces of the LLM layer. Every model call in memobench uses these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Message(BaseModel):
    """One chat message."""

    model_config = _FROZEN
    role: Literal["system", "user", "assistant"]
    """Who speaks."""
    content: str
    """What is said."""


Prompt = str | Sequence[Message]
"""A plain completion prompt (``mode='completion'``) or a list of chat messages."""


class GenerateConfig(BaseModel):
    """Sampling parameters. Everything here except the excluded fields goes into the cache key."""

    model_config = _FROZEN
    max_tokens: int | None = 256
    """Completion token limit."""
    temperature: float = 0.0
    """Sampling temperature; 0 is greedy."""
    top_p: float | None = None
    """Nucleus sampling."""
    stop: tuple[str, ...] | None = None
    """Stop sequences."""
    seed: int | None = None
    """Backend seed, where supported."""
    response_format: Literal["text", "json"] = "text"
    """Ask the backend for a JSON object."""
    json_schema: dict[str, Any] | None = None
    """A JSON schema the reply must satisfy (OpenAI ``json_schema`` response format; on a
    llama.cpp server a grammar). Implies a JSON reply whatever ``response_format`` says."""
    schema_name: str | None = None
    """The schema's name, as OpenAI's ``json_schema.name`` (SDKs route on it)."""
    tools: tuple[dict[str, Any], ...] | None = None
    """OpenAI tool definitions (``{"type": "function", "function": {...}}``)."""
    tool_choice: str | dict[str, Any] | None = None
    """``auto``, ``required``, ``none`` or a named function, as OpenAI takes it."""
    sample_index: int = 0
    """Which sample this is when temperature > 0 (part of the cache key only then)."""
    timeout_s: float = 120.0
    """Per-request timeout. Not in the cache key."""
    max_retries: int = 6
    """Retries on 429/5xx/timeouts/connection errors. Not in the cache key."""

    @model_serializer(mode="wrap")
    def _drop_unset_structured(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # The structured-output fields came later: left out while unset, so every cache key
        # made before them stays valid.
        data = handler(self)
        for name in STRUCTURED_FIELDS:
            if data.get(name) is None:
                data.pop(name, None)
        return data


#: Config fields that cannot change the output and stay out of the cache key.
NON_OUTPUT_FIELDS = frozenset({"timeout_s", "max_retries"})

#: Optional structured-output fields, serialized only when set.
STRUCTURED_FIELDS = ("json_schema", "schema_name", "tools", "tool_choice")


class ToolCall(BaseModel):
    """One function call the model asked for."""

    model_config = _FROZEN
    id: str
    """Call id, echoed back by the caller's tool message."""
    name: str
    """Function name."""
    arguments: str
    """The arguments as a JSON string (as OpenAI returns them)."""


class Usage(BaseModel):
    """Token accounting of one call."""

    model_config = _FROZEN
    prompt_tokens: int = 0
    """Tokens in."""
    completion_tokens: int = 0
    """Tokens out."""
    cached_tokens: int = 0
    """Prompt tokens the provider served from its prefix cache."""


class Completion(BaseModel):
    """The result of one model call."""

    model_config = _FROZEN
    text: str
    """Generated text."""
    finish_reason: str | None = None
    """``stop``, ``length``, ..."""
    usage: Usage = Usage()
    """Tokens."""
    latency_s: float = 0.0
    """Wall time of the call that produced it (0 for cache hits)."""
    cached: bool = False
    """Served from memobench's own cache (no model call made)."""
    model: str = ""
    """Model spec that produced it, e.g. ``openai:gpt-4o-mini``."""
    tool_calls: tuple[ToolCall, ...] = ()
    """Function calls asked for (``finish_reason`` is then ``tool_calls``)."""


@runtime_checkable
class Backend(Protocol):
    """A raw model endpoint. The client wraps it with caching, retries, limits and metering."""

    spec: str
    """``<backend>:<model>``, e.g. ``openai:gpt-4o-mini``."""

    def cache_identity(self) -> dict[str, object]:
        """What identifies this endpoint in cache keys (backend, model, base URL; never a key)."""
        ...

    async def generate(self, prompt: Prompt, *, config: GenerateConfig) -> Completion:
        """Make one call. Raise for errors; the client decides what to retry."""
        ...


def backend_endpoint(backend: Backend) -> str:
    """Where calls go (base URL + model) if the backend says, else its spec: what endpoint
    limits are keyed by and errors name."""
    ep = getattr(backend, "endpoint", None)
    return ep if isinstance(ep, str) else backend.spec


@runtime_checkable
class Embedder(Protocol):
    """Text → vector."""

    spec: str
    """``<backend>:<model>``."""
    dim: int
    """Vector size."""

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed a batch of texts (cached)."""
        ...
