from __future__ import annotations

from collections.abc import Iterator

import pytest

from memobench.llm import MockBackend
from memobench.testing import FakeOpenAIServer


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("MEMOBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MEMOBENCH_NO_CACHE", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    MockBackend.reset()
    yield
    MockBackend.reset()


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    """A running fake server; tweak it with ``set_faults`` / ``set_reply`` / ``latency_s``."""
    with FakeOpenAIServer() as srv:
        yield srv
