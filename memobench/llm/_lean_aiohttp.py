"""The lean transport over aiohttp: ``https://`` endpoints (and ``MEMOBENCH_HTTP=aiohttp``)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from ._lean_errors import LeanTransportError, reply_json, request_body


class LeanHTTP:
    """One aiohttp session (one keep-alive pool) for one endpoint and key on one loop."""

    def __init__(self, base_url: str, api_key: str, pool_size: int) -> None:
        self.base_url = base_url
        self._headers = {
            "Authorization": f"Bearer {api_key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=pool_size, limit_per_host=0),
            json_serialize=json.dumps,
        )

    async def post(self, path: str, common: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """POST ``fields`` + ``common`` (its ``timeout`` is the per-request timeout, not a
        body field) as the official client would; returns the JSON body with its choices."""
        payload, timeout_s = request_body(common, fields)
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=timeout_s, sock_read=timeout_s)
        try:
            async with self._session.post(
                self.base_url + path, data=payload, headers=self._headers, timeout=timeout
            ) as resp:
                content = await resp.read()
                status, retry_after = resp.status, resp.headers.get("retry-after")
        except TimeoutError:
            raise LeanTransportError(timeout=True) from None
        except aiohttp.ClientError:
            raise LeanTransportError(timeout=False) from None
        return reply_json(status, retry_after, content)

    async def aclose(self) -> None:
        await self._session.close()
