"""The one sync/async bridge, inside and outside a running event loop."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from memobench._util.aio import call, in_running_loop, maybe_await, resolve, run_sync

VAR: contextvars.ContextVar[str] = contextvars.ContextVar("VAR", default="unset")


async def _where() -> tuple[str, str, bool]:
    await asyncio.sleep(0)
    return threading.current_thread().name, VAR.get(), in_running_loop()


def test_run_sync_outside_a_loop_runs_here() -> None:
    VAR.set("outer")
    thread, var, looping = run_sync(_where())
    assert thread == threading.current_thread().name
    assert (var, looping) == ("outer", True)
    assert not in_running_loop()


def test_run_sync_inside_a_loop_uses_a_worker_thread_with_the_callers_context() -> None:
    async def main() -> tuple[str, str, bool]:
        VAR.set("inside")
        return run_sync(_where())  # sync code called from a coroutine

    thread, var, looping = asyncio.run(main())
    assert thread.startswith("mb-aio")
    assert (var, looping) == ("inside", True)


def test_run_sync_inside_a_loop_can_refuse_and_closes_the_coroutine() -> None:
    coro = _where()

    async def main() -> None:
        with pytest.raises(RuntimeError, match="inside a running event loop"):
            run_sync(coro, in_loop="raise")

    asyncio.run(main())
    assert coro.cr_frame is None  # closed: no "never awaited" warning


def test_run_sync_propagates_errors_and_accepts_any_awaitable() -> None:
    async def boom() -> None:
        raise KeyError("x")

    with pytest.raises(KeyError):
        run_sync(boom())

    async def main() -> int:
        fut = asyncio.get_running_loop().create_future()
        fut.set_result(7)
        return await maybe_await(fut)

    assert asyncio.run(main()) == 7


def test_resolve_and_maybe_await_pass_plain_values_through() -> None:
    assert resolve(3) == 3
    assert resolve(asyncio.sleep(0, result="a")) == "a"
    assert asyncio.run(maybe_await("b")) == "b"
    assert asyncio.run(maybe_await(asyncio.sleep(0, result="c"))) == "c"


def test_call_runs_sync_methods_off_the_loop_thread_and_awaits_async_ones() -> None:
    loop_thread: list[str] = []

    def sync_method(x: int, *, y: int) -> str:
        return f"{x + y}@{threading.current_thread().name}"

    async def async_method(x: int) -> int:
        return x * 2

    def returns_awaitable() -> object:
        return asyncio.sleep(0, result="late")

    async def main() -> tuple[str, int, object]:
        loop_thread.append(threading.current_thread().name)
        return (
            await call(sync_method, 1, y=2),
            await call(async_method, 4),
            await call(returns_awaitable),
        )

    s, a, late = asyncio.run(main())
    value, thread = s.split("@")
    assert value == "3" and thread != loop_thread[0]
    assert (a, late) == (8, "late")
