"""``LLMClient``: the one object through which memobench calls models."""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from typing import Any

from ._cache import (
    Cache,
    cache_disabled_by_env,
    cache_key,
    claim_owner,
    claims_enabled_by_env,
    default_cache,
)
from ._errors import LLMError, RetryableError
from ._limits import endpoint_limits
from ._metering import current_meter
from ._retry import RetryPolicy
from ._types import (
    NON_OUTPUT_FIELDS,
    Backend,
    Completion,
    GenerateConfig,
    Message,
    Prompt,
    backend_endpoint,
)

log = logging.getLogger("memobench.llm")

DEFAULT_MAX_CONCURRENCY = 16

# Identical calls in flight at once (same cache key) share one backend request: a run that
# asks the same prompt from many tasks pays once, not once per task that missed the cache
# before the first answer was stored. Per event loop, since futures belong to one loop.
_IN_FLIGHT: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[str, asyncio.Future[Completion]]
] = weakref.WeakKeyDictionary()


def _in_flight() -> dict[str, asyncio.Future[Completion]]:
    loop = asyncio.get_running_loop()
    table = _IN_FLIGHT.get(loop)
    if table is None:
        table = _IN_FLIGHT[loop] = {}
    return table


def _prompt_payload(prompt: Prompt) -> Any:
    if isinstance(prompt, str):
        return {"prompt": prompt}
    return {"messages": [m.model_dump() if isinstance(m, Message) else m for m in prompt]}


def completion_cache_key(
    identity: dict[str, object], prompt: Prompt, config: GenerateConfig
) -> str:
    """Key = backend identity + prompt + output-relevant config (+ sample index if sampling)."""
    cfg = config.model_dump(mode="json", exclude=set(NON_OUTPUT_FIELDS) | {"sample_index"})
    if config.temperature > 0:
        cfg["sample_index"] = config.sample_index
    return cache_key(
        {"v": 1, "endpoint": identity, "input": _prompt_payload(prompt), "config": cfg}
    )


def _estimate_tokens(prompt: Prompt, config: GenerateConfig) -> float:
    text = prompt if isinstance(prompt, str) else " ".join(m.content for m in prompt)
    return len(text) / 4 + (config.max_tokens or 0)


async def _hand_over() -> None:
    """Yield once after a paid call is stored and metered: a call waiting for the endpoint
    slot this one released sends its request before this caller's own bookkeeping (parsing,
    answer logs, scoring) runs, so the slot refills at once. Cancelled here, nothing paid is
    lost."""
    await asyncio.sleep(0)


class LLMClient:
    """Wraps a ``Backend`` with caching, retries, concurrency limits and metering.

    Options (all keyword, all optional): ``cache`` (bool or a ``Cache``), ``max_concurrency``
    (in-flight calls per endpoint, default 16), ``rpm`` / ``tpm`` (requests / tokens per
    minute per endpoint), ``retry`` (a ``RetryPolicy``), ``config`` (default ``GenerateConfig``).
    """

    def __init__(
        self,
        backend: Backend,
        *,
        cache: bool | Cache = True,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        rpm: float | None = None,
        tpm: float | None = None,
        retry: RetryPolicy | None = None,
        config: GenerateConfig | None = None,
    ) -> None:
        self.backend = backend
        if isinstance(cache, Cache):
            self._cache: Cache | None = cache
        elif cache and not cache_disabled_by_env():
            self._cache = default_cache()
        else:
            self._cache = None
        self.max_concurrency = max_concurrency
        self.rpm = rpm
        self.tpm = tpm
        self.retry = retry or RetryPolicy()
        self.default_config = config or GenerateConfig()

    @property
    def spec(self) -> str:
        return self.backend.spec

    @property
    def cache(self) -> Cache | None:
        return self._cache

    @property
    def endpoint(self) -> str:
        """Base URL + model: what limits are keyed by and errors name."""
        return backend_endpoint(self.backend)

    def __repr__(self) -> str:
        return f"LLMClient({self.backend!r}, cache={self._cache is not None})"

    async def complete(self, prompt: Prompt, *, config: GenerateConfig | None = None) -> Completion:
        """One call: cache lookup, then a rate-limited, retried backend call; metered.

        With the cache on, a call identical to one already in flight waits for that one and
        is served from it (reported as a cache hit) instead of paying again.
        """
        config = config or self.default_config
        if self._cache is None:
            completion, retries = await self._call_with_retries(prompt, config)
            self._meter(completion, retries=retries)
            await _hand_over()
            return completion
        key = completion_cache_key(self.backend.cache_identity(), prompt, config)
        storing = getattr(self.backend, "store_in_cache", True)
        # A stand-in that is not cached (dry run) shares only with its own kind.
        flight = key if storing else f"uncached:{key}"
        in_flight = _in_flight()
        while True:
            hit = self._cache.get(key)
            if hit is not None:
                return self._served(Completion.model_validate_json(hit))
            leader = in_flight.get(flight)
            if leader is None:
                break
            try:
                return self._served(await asyncio.shield(leader))
            except asyncio.CancelledError:
                if not leader.cancelled():
                    raise  # this caller was cancelled
                # The call we waited on was cancelled, not us: look again, maybe lead.
        mine: asyncio.Future[Completion] = asyncio.get_running_loop().create_future()
        in_flight[flight] = mine
        owner = claim_owner() if storing and claims_enabled_by_env() else None
        claimed = False
        try:
            if owner is not None:
                # Another process sharing the cache may be paying for this prompt right now.
                shared = await self._claim_or_wait(key, owner)
                if shared is not None:
                    mine.set_result(shared)
                    return self._served(shared)
                claimed = True
            completion, retries = await self._call_with_retries(prompt, config)
            if storing:
                self._cache.put(
                    key,
                    completion.model_dump_json().encode(),
                    kind="completion",
                    model=self.spec,
                    release=owner if claimed else None,
                )
                claimed = False
        except asyncio.CancelledError:
            mine.cancel()
            raise
        except BaseException as exc:
            mine.set_exception(exc)
            mine.exception()  # retrieved: nobody waiting is not an unhandled error
            raise
        else:
            mine.set_result(completion)
        finally:
            in_flight.pop(flight, None)
            if claimed and owner is not None:
                self._cache.release(key, owner)
        self._meter(completion, retries=retries)
        await _hand_over()
        return completion

    async def _claim_or_wait(self, key: str, owner: str) -> Completion | None:
        """None once this process holds the claim on ``key``; else the claimer's completion."""
        assert self._cache is not None
        while not self._cache.claim(key, owner):
            while self._cache.claimed(key):
                await asyncio.sleep(0.02)
            hit = self._cache.get(key)
            if hit is not None:
                return Completion.model_validate_json(hit)
            # The claimer failed or died without an entry: claim it ourselves.
        hit = self._cache.get(key)  # stored between our lookup and our claim
        if hit is not None:
            self._cache.release(key, owner)
            return Completion.model_validate_json(hit)
        return None

    def _served(self, completion: Completion) -> Completion:
        """A completion this call did not pay for (cache hit or shared in-flight call)."""
        completion = completion.model_copy(update={"cached": True, "latency_s": 0.0})
        self._meter(completion, retries=0)
        return completion

    async def _call_with_retries(
        self, prompt: Prompt, config: GenerateConfig
    ) -> tuple[Completion, int]:
        limits = endpoint_limits(
            self.endpoint, max_concurrency=self.max_concurrency, rpm=self.rpm, tpm=self.tpm
        )
        attempt = 0
        while True:
            if limits.rpm is not None:
                await limits.rpm.acquire(1)
            if limits.tpm is not None:
                await limits.tpm.acquire(_estimate_tokens(prompt, config))
            try:
                async with limits.semaphore:
                    start = time.perf_counter()
                    completion = await self.backend.generate(prompt, config=config)
                    if not completion.latency_s:
                        completion = completion.model_copy(
                            update={"latency_s": time.perf_counter() - start}
                        )
                return completion, attempt
            except RetryableError as exc:
                if attempt >= config.max_retries:
                    self._meter_failure(attempt)
                    raise LLMError(
                        f"{self.spec}: giving up after {attempt + 1} attempts; last error: {exc}",
                        endpoint=exc.endpoint or self.endpoint,
                        status=exc.status,
                        attempts=attempt + 1,
                    ) from None
                delay = self.retry.delay(attempt, exc.retry_after_s)
                log.info(
                    "retrying %s (attempt %d, status %s) in %.2fs",
                    self.endpoint,
                    attempt + 1,
                    exc.status,
                    delay,
                )
                attempt += 1
                await asyncio.sleep(delay)
            except LLMError:
                self._meter_failure(attempt)
                raise

    def _meter(self, completion: Completion, *, retries: int) -> None:
        meter = current_meter()
        if meter is not None:
            meter.record(completion, model=self.spec, retries=retries)

    def _meter_failure(self, retries: int) -> None:
        meter = current_meter()
        if meter is not None:
            meter.record_failure(model=self.spec, retries=retries)

    async def complete_many(
        self, prompts: list[Prompt], *, config: GenerateConfig | None = None
    ) -> list[Completion]:
        """Run many calls concurrently (bounded by the endpoint limits); order is kept."""
        return list(await asyncio.gather(*(self.complete(p, config=config) for p in prompts)))

    def complete_sync(self, prompt: Prompt, *, config: GenerateConfig | None = None) -> Completion:
        """Blocking convenience for scripts. Inside a running loop it runs on a worker thread's
        loop (blocking the caller), so prefer ``await complete()`` in async code."""
        from .._util.aio import run_sync

        return run_sync(self.complete(prompt, config=config))
