"""The API key never leaves in an error, a log record or a run file, even when the server
echoes it back (real providers quote the key they rejected in the 401 body).

The server is the real fake OpenAI server on 127.0.0.1 with its request handler answering
every chat/completion request with an error whose body quotes the key and the ``Authorization``
value it received. Both HTTP transports are exercised (the lean aiohttp one and the official
``openai`` client).
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

import pytest

from memobench.llm import GenerateConfig, LLMError, get_llm
from memobench.testing import FakeOpenAIServer

KEY = "sk-memobench-ECHOED-5f3a9c0d1e2b4a6f8c7d"


class EchoKeyServer(FakeOpenAIServer):
    """Answers every request with ``status`` and the received key quoted in the JSON body."""

    def __init__(self, status: int) -> None:
        super().__init__()
        self.status = status
        self.seen_keys: list[str] = []

    async def _handle(self, request: Any) -> Any:
        from aiohttp import web

        auth = request.headers.get("Authorization", "")
        key = auth.removeprefix("Bearer ")
        with self._lock:
            self.stats.requests += 1
            self.seen_keys.append(key)
        body = {
            "error": {
                "message": f"Incorrect API key provided: {key}. You can find your API key at ...",
                "type": "invalid_request_error",
                "code": "invalid_api_key",
                "param": auth,
            }
        }
        return web.json_response(body, status=self.status)


def _all_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc) + repr(vars(exc))


@pytest.fixture(params=["lean", "aiohttp", "openai"])
def transport(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MEMOBENCH_HTTP", request.param)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    return str(request.param)


@pytest.mark.parametrize("status", [401, 403])
async def test_auth_error_echoing_the_key_drops_the_body(
    transport: str, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with EchoKeyServer(status) as srv:
        llm = get_llm("openai:fake-model", base_url=srv.base_url, retry_base_s=0.001)
        with pytest.raises(LLMError) as info:
            await llm.complete("hi", config=GenerateConfig(max_retries=2))
        assert srv.seen_keys == [KEY]  # the key was really sent, and the error not retried
    exc = info.value
    assert exc.status == status
    assert str(exc).startswith(f"HTTP {status} from {srv.base_url}")
    assert KEY not in _all_text(exc)
    assert "Incorrect API key" not in str(exc)  # an auth error's body is dropped entirely
    for rec in caplog.records:
        assert KEY not in rec.getMessage() and KEY not in repr(rec.__dict__)


@pytest.mark.parametrize("status", [500, 400])
async def test_other_error_echoing_the_key_is_redacted(
    transport: str, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with EchoKeyServer(status) as srv:
        llm = get_llm("openai:fake-model", base_url=srv.base_url, retry_base_s=0.001)
        with pytest.raises(LLMError) as info:
            await llm.complete("hi", config=GenerateConfig(max_retries=1))
    exc = info.value
    assert exc.status == status
    msg = str(exc)
    # The body is kept (it helps debugging) with the key replaced by ***.
    assert "Incorrect API key provided: ***" in msg
    assert KEY not in _all_text(exc)
    if status == 500:
        assert len(srv.seen_keys) == 2  # retried once: the redaction holds on every attempt
        assert caplog.records
    for rec in caplog.records:
        assert KEY not in rec.getMessage() and KEY not in repr(rec.__dict__)


def test_run_against_an_echoing_server_keeps_the_key_out_of_run_files(
    tmp_path: Path,
    data_dir: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from memobench.runner import RunConfig, Runner

    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    out = tmp_path / "run"
    with EchoKeyServer(401) as srv:
        cfg = RunConfig(
            agent="no-memory",
            model="openai:fake-model",
            base_url=srv.base_url,
            data_path=data_dir,
            conversations=("conv-30",),
            limit=2,
            concurrency=1,
            out=out,
        )
        error: BaseException | None = None
        try:
            Runner(cfg).run()
        except Exception as exc:  # a run may stop on auth errors or record them per item
            error = exc
        assert srv.seen_keys and set(srv.seen_keys) == {KEY}
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files, "the run wrote nothing"
    for p in files:
        assert KEY.encode() not in p.read_bytes(), p
    # What the user sees names the failure (HTTP 401), never the key.
    seen = (_all_text(error) if error else "") + "".join(
        p.read_text(errors="replace") for p in files if p.suffix in (".jsonl", ".json")
    )
    assert "401" in seen
    assert KEY not in seen
    for rec in caplog.records:
        assert KEY not in rec.getMessage()
