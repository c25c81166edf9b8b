"""Resolve a model spec string (``backend:model``) to an ``LLMClient``."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from ..registry import llm_backends
from ._client import DEFAULT_MAX_CONCURRENCY, LLMClient
from ._retry import RetryPolicy

#: Options consumed by ``LLMClient``; everything else goes to the backend factory.
CLIENT_OPTIONS = frozenset({"cache", "max_concurrency", "rpm", "tpm", "retry", "config"})


def parse_spec(spec: str) -> tuple[str, str]:
    backend, sep, model = spec.partition(":")
    if not sep or not backend or not model:
        raise ConfigError(
            f"model spec {spec!r} must look like 'backend:model', e.g. 'openai:gpt-4o-mini'"
        )
    return backend, model


def get_llm(spec: str, **options: Any) -> LLMClient:
    """Return a client for ``spec``: ``openai:gpt-4o-mini``, ``local:gemma3-270m``, ``mock:x``.

    Client options: ``cache`` (bool, default True; env ``MEMOBENCH_NO_CACHE=1`` disables),
    ``max_concurrency`` (per endpoint), ``rpm``, ``tpm``, ``retry`` (``RetryPolicy``),
    ``retry_base_s`` / ``retry_max_s`` (shortcuts), ``config`` (default ``GenerateConfig``).
    Backend options (openai): ``base_url``, ``api_key``, ``mode``, ``pool_size``.
    ``dry_run=True`` wraps the backend in a ``DryRunBackend``: nothing is sent, usage is
    estimated, cache hits stay free, and nothing is written to the cache.
    """
    dry_run = bool(options.pop("dry_run", False))
    backend_name, model = parse_spec(spec)
    client_opts = {k: options.pop(k) for k in list(options) if k in CLIENT_OPTIONS}
    base = options.pop("retry_base_s", None)
    cap = options.pop("retry_max_s", None)
    if base is not None or cap is not None:
        client_opts["retry"] = RetryPolicy(
            base_s=0.5 if base is None else float(base), max_s=30.0 if cap is None else float(cap)
        )
    # Built-ins arrive through the same entry points as third-party backends.
    factory = llm_backends.get(backend_name)
    backend = factory(model, **options)
    if "max_concurrency" not in client_opts:
        client_opts["max_concurrency"] = getattr(
            backend, "default_max_concurrency", DEFAULT_MAX_CONCURRENCY
        )
    if backend_name == "openai" and "pool_size" not in options:
        # Keep the HTTP pool at least as wide as the semaphore, or calls queue in httpx.
        backend.pool_size = max(backend.pool_size, client_opts["max_concurrency"])  # type: ignore[attr-defined]
    if dry_run:
        from ._dry_run import DryRunBackend

        backend = DryRunBackend(backend)
    return LLMClient(backend, **client_opts)
