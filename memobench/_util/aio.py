"""The one sync/async bridge: run a coroutine from sync code, call a maybe-async function.

memobench's core is async (the runner, the LLM clients); some callers are sync (a task's
``score``, a Chroma embedding function, a user's judge lambda). Everything that crosses that
line goes through here, so the rules are in one place:

- :func:`run_sync` outside a running loop: ``asyncio.run``.
- :func:`run_sync` inside a running loop (sync code called from async code on the loop's
  thread, which cannot await): a fresh loop in a worker thread, with the caller's
  ``contextvars`` copied so run meters and LLM phases still see the calls. The calling loop
  is blocked until it finishes. ``in_loop="raise"`` refuses instead, for callers whose
  coroutine may be bound to the running loop.
- :func:`resolve` / :func:`maybe_await`: a value that may or may not be awaitable.
- :func:`call`: an agent method that may be sync or async (sync ones run in a worker thread).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Literal, TypeVar, cast

T = TypeVar("T")

__all__ = ["call", "in_running_loop", "maybe_await", "resolve", "run_sync"]


def in_running_loop() -> bool:
    """Whether this thread is running an event loop right now."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def _await(aw: Awaitable[T]) -> T:
    return await aw


def _as_coroutine(aw: Awaitable[T]) -> Coroutine[Any, Any, T]:
    return aw if inspect.iscoroutine(aw) else _await(aw)


def run_sync(aw: Awaitable[T], *, in_loop: Literal["thread", "raise"] = "thread") -> T:
    """Run ``aw`` to completion and return its result (see the module docstring)."""
    coro = _as_coroutine(aw)
    if not in_running_loop():
        return asyncio.run(coro)
    if in_loop == "raise":
        coro.close()
        raise RuntimeError(
            "an async callable was called synchronously inside a running event loop; "
            "use the async (a*) API instead"
        )
    ctx = contextvars.copy_context()
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="mb-aio") as pool:
        return pool.submit(ctx.run, asyncio.run, coro).result()


def resolve(value: T | Awaitable[T], *, in_loop: Literal["thread", "raise"] = "thread") -> T:
    """``value`` itself, or the result of running it when it is awaitable."""
    if inspect.isawaitable(value):
        return run_sync(cast("Awaitable[T]", value), in_loop=in_loop)
    return value


async def maybe_await(value: T | Awaitable[T]) -> T:
    """Await ``value`` when it is awaitable, else return it."""
    if inspect.isawaitable(value):
        return await cast("Awaitable[T]", value)
    return value


async def call(method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a method that may be sync or async; a sync one runs in a worker thread (so a
    blocking agent never stalls the loop), and an awaitable it returns is awaited."""
    if inspect.iscoroutinefunction(method):
        return await method(*args, **kwargs)
    return await maybe_await(await asyncio.to_thread(method, *args, **kwargs))
