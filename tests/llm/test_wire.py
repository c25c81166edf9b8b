"""memobench's plain-HTTP client (``_wire``) against scripted servers on real sockets.

The parity with the official client (bodies, errors, retries) is in test_llm_lean_http.py;
here: the HTTP framing cases a real server may send (chunked, split, read-to-close, interim
replies, gzip), keep-alive reuse, a stale pooled connection, timeouts, cancellation and the
pool limit.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Awaitable, Callable

import pytest
from _fresh import assert_fresh_python_ok

from memobench.llm._lean_errors import LeanStatusError, LeanTransportError
from memobench.llm._wire import WireHTTP

BODY = json.dumps({"choices": [{"message": {"content": "ok"}}]}).encode()

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.decode().split("\r\n"):
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    return await reader.readexactly(length)


class Scripted:
    """A TCP server whose handler writes raw bytes; counts connections and requests."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.requests = 0
        self.open_now = 0
        self.max_open = 0
        self.bodies: list[dict] = []

    async def __aenter__(self) -> Scripted:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/v1"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open_now += 1
        self.max_open = max(self.max_open, self.open_now)
        try:
            while True:
                try:
                    raw = await _read_request(reader)
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                self.requests += 1
                self.bodies.append(json.loads(raw))
                await self.handler(reader, writer, self.requests)
                if writer.is_closing():
                    return
        finally:
            self.open_now -= 1
            writer.close()


def _ok(extra: bytes = b"", body: bytes = BODY) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n" % (len(body), extra) + body


async def _post(client: WireHTTP, timeout: float | None = 5.0) -> dict:
    return await client.post("/chat/completions", {"timeout": timeout}, model="m", messages=[])


async def test_keep_alive_reuses_one_connection_and_sends_the_body() -> None:
    async def handler(_r, w, _n):
        w.write(_ok())

    async with Scripted(handler) as srv:
        client = WireHTTP(srv.url, "sk-test", 8)
        for _ in range(3):
            assert (await _post(client))["choices"][0]["message"]["content"] == "ok"
        await client.aclose()
    assert srv.connections == 1 and srv.requests == 3
    assert srv.bodies[0] == {"model": "m", "messages": []}  # timeout is not a body field


@pytest.mark.parametrize("split", [1, 7, 10_000])
async def test_chunked_body_in_pieces(split: int) -> None:
    async def handler(_r, w, _n):
        chunks = b"".join(
            b"%x;ext=1\r\n%s\r\n" % (len(part), part) for part in (BODY[:10], BODY[10:])
        )
        raw = (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + chunks
            + b"0\r\nX-Trailer: t\r\n\r\n"
        )
        for i in range(0, len(raw), split):
            w.write(raw[i : i + split])
            await w.drain()
            await asyncio.sleep(0)

    async with Scripted(handler) as srv:
        client = WireHTTP(srv.url, "k", 4)
        assert (await _post(client))["choices"]
        assert (await _post(client))["choices"]  # the connection stayed usable
        await client.aclose()
    assert srv.connections == 1


async def test_connection_close_read_to_close_interim_reply_and_gzip() -> None:
    async def handler(_r, w, n):
        if n == 1:  # Connection: close
            w.write(_ok(b"Connection: close\r\n"))
            w.close()
        elif n == 2:  # HTTP/1.0, no length: the body ends when the server closes
            w.write(b"HTTP/1.0 200 OK\r\n\r\n" + BODY)
            w.close()
        elif n == 3:  # an interim 100 Continue before the reply
            w.write(b"HTTP/1.1 100 Continue\r\n\r\n" + _ok())
        else:
            packed = gzip.compress(BODY)
            w.write(_ok(b"Content-Encoding: gzip\r\n", body=packed))

    async with Scripted(handler) as srv:
        client = WireHTTP(srv.url, "k", 4)
        for _ in range(4):
            assert (await _post(client))["choices"]
        await client.aclose()
    assert srv.requests == 4 and srv.connections == 3  # 1 and 2 closed theirs; 3 and 4 share


async def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    async def handler(_r, w, _n):
        w.write(_ok())
        await w.drain()
        w.close()  # without "Connection: close": the client learns it from the socket

    async with Scripted(handler) as srv:
        client = WireHTTP(srv.url, "k", 4)
        assert (await _post(client))["choices"]
        await asyncio.sleep(0.05)
        assert (await _post(client))["choices"]
        await client.aclose()
    assert srv.requests == 2 and srv.connections == 2


async def test_a_connection_dying_under_a_request_is_an_error_not_a_silent_resend() -> None:
    async def handler(_r, w, n):
        if n == 2:  # the kept-alive connection dies after the server took the request
            w.transport.abort()
            return
        w.write(_ok())

    async with Scripted(handler) as srv:
        client = WireHTTP(srv.url, "k", 4)
        assert (await _post(client))["choices"]
        with pytest.raises(LeanTransportError) as info:
            await _post(client)
        assert not info.value.timeout
        assert srv.requests == 2  # the LLM layer's retry, which the meter counts, decides
        assert (await _post(client))["choices"]  # and the pool recovers on a fresh connection
        await client.aclose()
    assert srv.connections == 2


async def test_read_timeout_is_inactivity_not_total_time() -> None:
    async def handler(_r, w, n):
        if n == 1:
            await asyncio.sleep(2.0)  # silent: times out
            return
        raw = _ok()
        for i in range(0, len(raw), len(raw) // 4 + 1):  # trickles for ~0.6 s in total
            w.write(raw[i : i + len(raw) // 4 + 1])
            await w.drain()
            await asyncio.sleep(0.15)

    async with Scripted(handler) as srv:
        client = WireHTTP(srv.url, "k", 4)
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(LeanTransportError) as info:
            await _post(client, timeout=0.3)
        assert info.value.timeout and 0.25 < loop.time() - started < 1.5
        assert (await _post(client, timeout=0.3))["choices"]  # 0.6 s total, never 0.3 s silent
        await client.aclose()


async def test_errors_refused_garbage_and_status() -> None:
    refused = WireHTTP("http://127.0.0.1:9/v1", "k", 2)
    with pytest.raises(LeanTransportError) as info:
        await _post(refused)
    assert not info.value.timeout

    async def handler(_r, w, n):
        if n == 1:
            w.write(b"SSH-2.0-OpenSSH\r\n\r\n")
        elif n == 2:
            w.write(b"HTTP/1.1 429 Too Many\r\nRetry-After: 7\r\nContent-Length: 2\r\n\r\n{}")
        else:
            w.write(_ok(body=b"not json"))

    async with Scripted(handler) as srv:
        client = WireHTTP(srv.url, "k", 2)
        with pytest.raises(ValueError, match="not an HTTP response"):
            await _post(client)
        with pytest.raises(LeanStatusError) as status:
            await _post(client)
        assert status.value.status == 429 and status.value.retry_after == "7"
        with pytest.raises(ValueError, match="malformed JSON"):
            await _post(client)
        await client.aclose()


async def test_cancelled_request_drops_its_connection() -> None:
    release = asyncio.Event()

    async def handler(_r, w, n):
        if n == 1:
            await release.wait()
        w.write(_ok())

    async with Scripted(handler) as srv:
        client = WireHTTP(srv.url, "k", 2)
        task = asyncio.create_task(_post(client))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        release.set()
        assert (await _post(client))["choices"]  # a new connection, not the cancelled one's
        await client.aclose()
    assert srv.connections == 2


async def test_pool_limit_bounds_open_connections() -> None:
    async def handler(_r, w, _n):
        await asyncio.sleep(0.05)
        w.write(_ok())

    async with Scripted(handler) as srv:
        client = WireHTTP(srv.url, "k", 2)
        replies = await asyncio.gather(*(_post(client) for _ in range(6)))
        await client.aclose()
    assert len(replies) == 6 and srv.requests == 6
    assert srv.max_open == 2 and srv.connections == 2


def test_http_urls_do_not_import_aiohttp() -> None:
    # The point of the client at start-up: memobench.llm and an http:// call load no aiohttp.
    code = (
        "import asyncio, sys\n"
        "from memobench.llm._lean_http import lean_client\n"
        "async def main():\n"
        "    plain = lean_client('http://127.0.0.1:1/v1', 'k')\n"
        "    assert type(plain).__name__ == 'WireHTTP', plain\n"
        "    assert 'aiohttp' not in sys.modules\n"
        "    tls = lean_client('https://example.invalid/v1', 'k')\n"
        "    assert type(tls).__name__ == 'LeanHTTP', tls\n"
        "asyncio.run(main())\n"
        "print('ok')\n"
    )
    assert_fresh_python_ok(code)
