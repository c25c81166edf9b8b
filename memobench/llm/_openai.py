"""``openai:<model>``: any OpenAI-compatible endpoint through the official ``openai`` package.

Chat messages go to ``/v1/chat/completions``; plain string prompts to ``/v1/completions``.
The ``openai`` client's own retries are off: ``LLMClient`` retries, meters and limits.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import time
import weakref
from collections.abc import Sequence
from typing import Any, Literal

from ._errors import LLMError, RetryableError
from ._lean_errors import translate_lean
from ._lean_http import lean_client
from ._retry import parse_retry_after
from ._structured import Dialect, parse_tool_calls, request_fields
from ._types import Completion, GenerateConfig, Message, Prompt, Usage

DEFAULT_BASE_URL = "https://api.openai.com/v1"
#: Sent when no key is configured, so local servers that ignore auth just work.
DUMMY_KEY = "sk-no-key-required"

Mode = Literal["auto", "chat", "completion"]


def resolve_base_url(base_url: str | None) -> str:
    return (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def chat_to_prompt(messages: Sequence[Message]) -> str:
    """Render chat messages as a plain prompt for base (non-instruct) models."""
    parts: list[str] = []
    for m in messages:
        if m.role == "system":
            parts.append(m.content.strip())
        else:
            parts.append(f"{m.role.capitalize()}: {m.content.strip()}")
    parts.append("Assistant:")
    return "\n\n".join(parts)


#: Stops added when chat is rendered as a completion prompt, so the base model answers once.
CHAT_AS_PROMPT_STOPS = ("\n\nUser:", "\nUser:")


# One AsyncOpenAI (one connection pool) per (event loop, endpoint, key): httpx pools are
# bound to the loop that created them, and sharing one per endpoint keeps keep-alive hot.
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, str, int], Any]] = (
    weakref.WeakKeyDictionary()
)
_clients_lock = threading.Lock()


def _http_limits(pool_size: int) -> Any:
    try:
        import httpx2 as httpx  # openai >= 3 ships its own httpx fork
    except ImportError:  # pragma: no cover - older openai
        import httpx  # type: ignore[no-redef]
    return httpx.Limits(max_connections=pool_size, max_keepalive_connections=pool_size)


def shared_async_client(base_url: str, api_key: str, *, pool_size: int = 64) -> Any:
    import openai

    loop = asyncio.get_running_loop()
    # Only a digest of the key is kept in the lookup key.
    digest = hashlib.sha256(api_key.encode()).hexdigest()[:16]
    k = (base_url, digest, pool_size)
    with _clients_lock:
        per_loop = _clients.setdefault(loop, {})
        client = per_loop.get(k)
        if client is None:
            client = per_loop[k] = openai.AsyncOpenAI(
                api_key=api_key,
                base_url=base_url,
                max_retries=0,
                http_client=openai.DefaultAsyncHttpxClient(limits=_http_limits(pool_size)),
            )
        return client


class OpenAIBackend:
    """One model on one OpenAI-compatible endpoint."""

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        mode: Mode = "auto",
        pool_size: int = 64,
        spec: str | None = None,
        identity: dict[str, object] | None = None,
        dialect: Dialect | None = None,
    ) -> None:
        self.model = model
        self.base_url = resolve_base_url(base_url)
        # Kept private and out of repr/identity/errors.
        self._api_key = api_key or os.environ.get("OPENAI_API_KEY") or DUMMY_KEY
        self.mode: Mode = mode
        self.pool_size = pool_size
        self.spec = spec or f"openai:{model}"
        self._identity = identity
        # How JSON schemas and tools are asked for: the embedded llama.cpp server (spec
        # ``local:``) takes json_object + schema and no tool calls (see ``_structured``).
        self.dialect: Dialect = dialect or (
            "llama_cpp" if self.spec.startswith("local:") else "openai"
        )

    def __repr__(self) -> str:
        return (
            f"OpenAIBackend(model={self.model!r}, base_url={self.base_url!r}, mode={self.mode!r})"
        )

    @property
    def endpoint(self) -> str:
        """Human-readable endpoint for errors and limits: base URL + model."""
        return f"{self.base_url} model={self.model}"

    def cache_identity(self) -> dict[str, object]:
        if self._identity is not None:
            return dict(self._identity)
        return {"backend": "openai", "model": self.model, "base_url": self.base_url}

    def _client(self) -> Any:
        return shared_async_client(self.base_url, self._api_key, pool_size=self.pool_size)

    async def generate(self, prompt: Prompt, *, config: GenerateConfig) -> Completion:
        start = time.perf_counter()
        as_chat = not isinstance(prompt, str) and self.mode != "completion"
        common: dict[str, Any] = {"model": self.model, "timeout": config.timeout_s}
        if config.max_tokens is not None:
            common["max_tokens"] = config.max_tokens
        common["temperature"] = config.temperature
        if config.top_p is not None:
            common["top_p"] = config.top_p
        if config.seed is not None:
            common["seed"] = config.seed
        stop = list(config.stop or ())
        try:
            if as_chat:
                if stop:
                    common["stop"] = stop
                common.update(request_fields(config, self.dialect))
                messages = [{"role": m.role, "content": m.content} for m in prompt]  # type: ignore[union-attr]
                # The raw response skips building pydantic models per call: measurable CPU at
                # hundreds of calls per second on 2 cores (see benchmarks/bench_llm_overhead.py).
                lean = lean_client(self.base_url, self._api_key, pool_size=self.pool_size)
                if lean is not None:  # the same body, sent without the openai client's CPU
                    resp = await lean.post("/chat/completions", common, messages=messages)
                else:
                    raw = await self._client().chat.completions.with_raw_response.create(
                        messages=messages, **common
                    )
                    resp = _json_body(raw)
                choice = resp["choices"][0]
                text, calls = parse_tool_calls(choice.get("message") or {}, config, self.dialect)
            else:
                if isinstance(prompt, str):
                    text_prompt = prompt
                else:
                    text_prompt = chat_to_prompt(prompt)
                    stop = [*stop, *CHAT_AS_PROMPT_STOPS]
                if stop:
                    common["stop"] = stop[:4]
                # memobench's embedded server constrains completions too, so a base model
                # (chat rendered as a prompt) still answers a schema or an emulated tool call;
                # OpenAI's legacy completions endpoint takes neither field.
                if self.dialect == "llama_cpp":
                    common.update(request_fields(config, self.dialect))
                lean = lean_client(self.base_url, self._api_key, pool_size=self.pool_size)
                if lean is not None:
                    resp = await lean.post("/completions", common, prompt=text_prompt)
                else:
                    if "response_format" in common:  # not a parameter of completions.create
                        common["extra_body"] = {"response_format": common.pop("response_format")}
                    raw = await self._client().completions.with_raw_response.create(
                        prompt=text_prompt, **common
                    )
                    resp = _json_body(raw)
                choice = resp["choices"][0]
                text, calls = parse_tool_calls(
                    {"content": choice.get("text") or ""}, config, self.dialect
                )
        except Exception as exc:
            raise self._translate(exc) from None
        return Completion(
            text=text,
            tool_calls=calls,
            finish_reason="tool_calls" if calls else choice.get("finish_reason"),
            usage=_usage(resp),
            latency_s=time.perf_counter() - start,
            model=self.spec,
        )

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        try:
            resp = await self._client().embeddings.create(model=self.model, input=list(texts))
        except Exception as exc:
            raise self._translate(exc) from None
        data = sorted(resp.data, key=lambda d: d.index)
        return [list(d.embedding) for d in data]

    def _translate(self, exc: Exception) -> LLMError:
        """Map an ``openai`` exception to ours, dropping the original (it holds request headers)."""
        lean = translate_lean(exc, self.endpoint, self._redact)
        if lean is not None:
            return lean
        import openai

        where = self.endpoint
        if isinstance(exc, openai.APITimeoutError):
            return RetryableError(f"timeout calling {where}", endpoint=where, status="timeout")
        if isinstance(exc, openai.APIConnectionError):
            return RetryableError(
                f"connection error calling {where}", endpoint=where, status="connection error"
            )
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            headers = exc.response.headers if exc.response is not None else {}
            retry_after = parse_retry_after(headers.get("retry-after"))
            detail = "" if status in (401, 403) else self._redact(_body_excerpt(exc))
            msg = f"HTTP {status} from {where}" + (f": {detail}" if detail else "")
            if status == 429 or status >= 500 or status == 408:
                return RetryableError(msg, endpoint=where, status=status, retry_after_s=retry_after)
            return LLMError(msg, endpoint=where, status=status)
        if isinstance(exc, (openai.APIResponseValidationError, ValueError)):
            # Includes json.JSONDecodeError: a malformed body is treated as a transient fault.
            return RetryableError(
                f"malformed response from {where}", endpoint=where, status="malformed response"
            )
        return LLMError(f"{type(exc).__name__} calling {where}", endpoint=where, status=None)

    def _redact(self, text: str) -> str:
        if self._api_key and self._api_key != DUMMY_KEY:
            text = text.replace(self._api_key, "***")
        return text


def _body_excerpt(exc: Any) -> str:
    try:
        body = exc.response.text
    except Exception:
        return ""
    return " ".join(str(body).split())[:200]


def _json_body(raw: Any) -> dict[str, Any]:
    """The JSON body of a raw ``openai`` response; a malformed one is a transient fault."""
    import json

    try:
        body = json.loads(raw.http_response.content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError("malformed JSON body") from exc
    if not isinstance(body, dict) or not body.get("choices"):
        raise ValueError("response has no choices")
    return body


def _usage(resp: dict[str, Any]) -> Usage:
    u = resp.get("usage") or {}
    details = u.get("prompt_tokens_details") or {}
    return Usage(
        prompt_tokens=u.get("prompt_tokens") or 0,
        completion_tokens=u.get("completion_tokens") or 0,
        cached_tokens=details.get("cached_tokens") or 0,
    )
