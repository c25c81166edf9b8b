"""A plain-HTTP/1.1 keep-alive client on asyncio's transports, for ``http://`` endpoints.

vLLM, llama.cpp servers and memobench's own gateway and fake server speak plain HTTP on a
local or cluster network; there the transport's own CPU per request bounds a run at hundreds of
calls per second on two cores (notes/scale.md, stop 5). This client writes one request per
connection at a time as a single buffer and parses the reply in ``data_received`` (status line,
headers, a ``Content-Length``, chunked or read-to-close body), with nothing else on the path.
Measured (``benchmarks/bench_scale.py --rows local``, against ``--transport aiohttp``, one
session): the whole 1,986-call ``memobench run`` on the 100 ms fake server takes 7.28 s
against 7.49 s at concurrency 32 and 2.64 s against 2.94 s at 128 (medians), with 1.26 against
1.40 ms and 1.08 against 1.17 ms of CPU per call. ``https://`` endpoints keep aiohttp (``_lean_aiohttp``): TLS is not
reimplemented here.

Errors map onto the lean transport's (``LeanStatusError``, ``LeanTransportError``,
``ValueError`` for a body that is not the JSON an OpenAI-compatible server returns), so
``LLMClient``'s retries, limits, metering and error mapping are the same for both.
"""

from __future__ import annotations

import asyncio
import zlib
from typing import Any
from urllib.parse import urlsplit

from ._lean_errors import LeanTransportError, reply_json, request_body

#: Largest response head accepted (status line + headers), as aiohttp's default line limits.
MAX_HEAD_BYTES = 64 * 1024


class _Response:
    """One parsed reply."""

    __slots__ = ("body", "headers", "keep_alive", "status")

    def __init__(self, status: int, headers: dict[str, str], body: bytes, keep_alive: bool) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.keep_alive = keep_alive


class _Connection(asyncio.Protocol):
    """One keep-alive connection; at most one request in flight on it."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._buf = bytearray()
        self._fut: asyncio.Future[_Response] | None = None
        self._head: tuple[int, dict[str, str], bool] | None = None
        self._body_start = 0
        self._length: int | None = None  # Content-Length, or None for chunked / read-to-close
        self._chunked = False
        self._last_activity = 0.0
        self._timer: asyncio.TimerHandle | None = None

    # -- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._buf += data
        if self._fut is None:  # bytes nobody asked for: the connection is unusable
            self.close()
            return
        self._last_activity = asyncio.get_running_loop().time()
        try:
            done = self._parse()
        except ValueError as exc:
            self._fail(exc)
            self.close()
            return
        if done is not None:
            fut, self._fut = self._fut, None
            if not fut.done():
                fut.set_result(done)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._fut is None or self._fut.done():
            return
        if self._head is not None and self._length is None and not self._chunked:
            status, headers, _ = self._head  # a read-to-close body ends here
            body = bytes(self._buf[self._body_start :])
            fut, self._fut = self._fut, None
            fut.set_result(_Response(status, headers, _decode(body, headers), False))
            return
        self._fail(LeanTransportError(timeout=False))

    # -- one exchange -------------------------------------------------------------------------

    def send(self, request: bytes, fut: asyncio.Future[_Response], timeout_s: float | None) -> None:
        """Write ``request``; ``fut`` gets the reply, or a timeout once the connection has been
        silent for ``timeout_s`` (a read timeout, as aiohttp's ``sock_read``: a reply still
        arriving is not cut)."""
        self._buf.clear()
        self._head = None
        self._length = None
        self._chunked = False
        self._fut = fut
        loop = fut.get_loop()
        self._last_activity = loop.time()
        if timeout_s:
            self._timer = loop.call_later(timeout_s, self._check_timeout, fut, timeout_s)
        assert self.transport is not None
        self.transport.write(request)

    def _check_timeout(self, fut: asyncio.Future[_Response], timeout_s: float) -> None:
        if fut.done():
            return
        loop = fut.get_loop()
        idle = loop.time() - self._last_activity
        if idle >= timeout_s:
            self._fail(LeanTransportError(timeout=True))
            return
        self._timer = loop.call_later(timeout_s - idle, self._check_timeout, fut, timeout_s)

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fail(self, exc: BaseException) -> None:
        fut, self._fut = self._fut, None
        if fut is not None and not fut.done():
            fut.set_exception(exc)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _parse(self) -> _Response | None:
        while self._head is None:
            end = self._buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buf) > MAX_HEAD_BYTES:
                    raise ValueError("response head too large")
                return None
            status, headers, keep_alive = _parse_head(bytes(self._buf[:end]))
            if 100 <= status < 200:  # an interim reply (100 Continue): the real one follows
                del self._buf[: end + 4]
                continue
            self._head = (status, headers, keep_alive)
            self._body_start = end + 4
            if "chunked" in headers.get("transfer-encoding", "").lower():
                self._chunked = True
            elif "content-length" in headers:
                try:
                    self._length = int(headers["content-length"])
                except ValueError:
                    raise ValueError("bad Content-Length") from None
            elif status in (204, 304):
                self._length = 0
        status, headers, keep_alive = self._head
        if self._length is not None:
            end = self._body_start + self._length
            if len(self._buf) < end:
                return None
            body = bytes(self._buf[self._body_start : end])
            return _Response(status, headers, _decode(body, headers), keep_alive)
        if self._chunked:
            body_or_none = _dechunk(self._buf, self._body_start)
            if body_or_none is None:
                return None
            return _Response(status, headers, _decode(body_or_none, headers), keep_alive)
        return None  # read to close: connection_lost completes it


def _parse_head(head: bytes) -> tuple[int, dict[str, str], bool]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/"):
        raise ValueError("not an HTTP response")
    try:
        status = int(parts[1])
    except ValueError:
        raise ValueError("bad status line") from None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            key = name.strip().lower()
            value = value.strip()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
    connection = headers.get("connection", "").lower()
    # HTTP/1.1 keeps the connection unless told to close; 1.0 only when asked to keep it.
    http10 = parts[0] == "HTTP/1.0"
    keep_alive = "keep-alive" in connection if http10 else "close" not in connection
    return status, headers, keep_alive


def _dechunk(buf: bytearray, start: int) -> bytes | None:
    """The body of a complete chunked message in ``buf[start:]``, or None while incomplete."""
    out = bytearray()
    pos = start
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        size_field = bytes(buf[pos:eol]).split(b";", 1)[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            raise ValueError("bad chunk size") from None
        pos = eol + 2
        if size == 0:
            # Trailers (usually none) end with an empty line.
            end = buf.find(b"\r\n\r\n", pos - 2)
            return bytes(out) if end >= 0 else None
        if len(buf) < pos + size + 2:
            return None
        out += buf[pos : pos + size]
        pos += size + 2


def _decode(body: bytes, headers: dict[str, str]) -> bytes:
    encoding = headers.get("content-encoding", "identity").lower()
    if encoding in ("", "identity"):
        return body
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompress(body, 16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompress(body)
    raise ValueError(f"unsupported Content-Encoding {encoding!r}")


class WireHTTP:
    """A keep-alive pool of plain-HTTP connections to one endpoint, on one loop."""

    def __init__(self, base_url: str, api_key: str, pool_size: int) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"WireHTTP serves http:// URLs only, not {base_url!r}")
        self.base_url = base_url
        self._host = parts.hostname
        self._port = parts.port or 80
        self._prefix = parts.path.rstrip("/")
        host = f"[{self._host}]" if ":" in self._host else self._host
        host_header = host if self._port == 80 else f"{host}:{self._port}"
        self._head = (
            f"Host: {host_header}\r\nAuthorization: Bearer {api_key}\r\n"
            "Content-Type: application/json\r\nAccept: application/json\r\n"
            "User-Agent: memobench\r\nContent-Length: "
        )
        self._idle: list[_Connection] = []
        self._slots = asyncio.Semaphore(max(1, pool_size))
        self._open: set[_Connection] = set()

    async def post(self, path: str, common: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """POST ``fields`` + ``common`` (its ``timeout`` is the per-request timeout, not a
        body field) as the official client would; returns the JSON body with its choices."""
        payload, timeout_s = request_body(common, fields)
        request = (
            f"POST {self._prefix}{path} HTTP/1.1\r\n{self._head}{len(payload)}\r\n\r\n".encode()
            + payload
        )
        async with self._slots:
            resp = await self._exchange(request, timeout_s)
        return reply_json(resp.status, resp.headers.get("retry-after"), resp.body)

    async def _exchange(self, request: bytes, timeout_s: float | None) -> _Response:
        # A connection that dies under a request is not re-sent here, even when it came from
        # the pool: the server may have taken the request, and the LLM layer's retry counts it
        # (aiohttp and the official client behave the same). One the server closed while idle
        # is noticed when it is taken from the pool (``connection_lost`` already ran).
        conn = await self._connection(timeout_s)
        fut: asyncio.Future[_Response] = asyncio.get_running_loop().create_future()
        try:
            conn.send(request, fut, timeout_s)
            resp = await fut
        except BaseException:  # failed, cancelled or malformed: the connection is unknown
            self._discard(conn)
            raise
        finally:
            conn.disarm()
        if resp.keep_alive and not conn.closed:
            self._idle.append(conn)
        else:
            self._discard(conn)
        return resp

    async def _connection(self, timeout_s: float | None) -> _Connection:
        while self._idle:
            conn = self._idle.pop()
            if not conn.closed and conn.transport is not None and not conn.transport.is_closing():
                return conn
            self._discard(conn)
        loop = asyncio.get_running_loop()
        try:
            connect = loop.create_connection(_Connection, self._host, self._port)
            _, conn = await asyncio.wait_for(connect, timeout_s)
        except TimeoutError:
            raise LeanTransportError(timeout=True) from None
        except OSError:
            raise LeanTransportError(timeout=False) from None
        self._open.add(conn)
        return conn

    def _discard(self, conn: _Connection) -> None:
        conn.close()
        self._open.discard(conn)

    async def aclose(self) -> None:
        for conn in list(self._open):
            conn.close()
        self._open.clear()
        self._idle.clear()
        await asyncio.sleep(0)  # let the transports run their connection_lost
