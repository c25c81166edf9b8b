"""An aiohttp app on 127.0.0.1, served from its own event loop in a daemon thread.

The memobench gateway and ``memobench.testing``'s fake OpenAI server both serve this way, so
that callers in any thread (blocking SDK calls in worker threads, or async code on another
loop) reach it. Subclasses add their routes in ``routes(app)``; ``start()`` returns once the
port is bound (``port`` 0 picks an ephemeral one) and ``stop()`` cleans up and joins.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any


class ServerStartError(RuntimeError):
    """The server thread could not bind or set up its app (``__cause__`` says why)."""


class LoopThreadServer:
    """See module docstring. Class attributes tune the aiohttp app, runner and site."""

    thread_name = "memobench-http"
    start_timeout_s = 30.0
    client_max_size = 1024**2
    """Largest request body accepted (aiohttp's default: 1 MiB)."""
    shutdown_timeout_s = 60.0
    backlog = 128

    def __init__(self, port: int = 0) -> None:
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: Any = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def routes(self, app: Any) -> None:
        """Add the routes to ``app`` (an ``aiohttp.web.Application``)."""
        raise NotImplementedError

    def new_loop(self) -> asyncio.AbstractEventLoop:
        return asyncio.new_event_loop()

    def start_thread(self) -> None:
        """Start serving; raise ``ServerStartError`` if the port is not bound in time."""
        self._thread = threading.Thread(target=self._serve, name=self.thread_name, daemon=True)
        self._thread.start()
        self._ready.wait(self.start_timeout_s)
        if self._error is not None or self._loop is None:
            reason = self._error or TimeoutError(f"not ready in {self.start_timeout_s:g}s")
            raise ServerStartError(f"{self.thread_name} failed to start: {reason}") from reason

    def stop(self) -> None:
        loop, self._loop = self._loop, None
        if loop is None:
            return
        fut = asyncio.run_coroutine_threadsafe(self._runner.cleanup(), loop)
        try:
            fut.result(10)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            if self._thread is not None:
                self._thread.join(10)

    def _serve(self) -> None:
        loop = self.new_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._setup())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._loop = loop
        self._ready.set()
        loop.run_forever()
        loop.close()

    async def _setup(self) -> None:
        from aiohttp import web

        app = web.Application(client_max_size=self.client_max_size)
        self.routes(app)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=self.shutdown_timeout_s
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, backlog=self.backlog)
        await site.start()
        self.port = self._runner.addresses[0][1]
