from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from memobench.llm import MockBackend

REPO = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    env = os.environ.get("MEMOBENCH_DATA_DIR")
    return Path(env) if env else REPO.parent / "shared" / "datasets"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("MEMOBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MEMOBENCH_NO_CACHE", raising=False)
    MockBackend.reset()
    yield
    MockBackend.reset()


@pytest.fixture
def msc_file() -> Path:
    path = data_dir() / "msc" / "msc_personas_all.json"
    if not path.is_file():
        pytest.skip(f"{path} not available")
    return path


@pytest.fixture
def locomo_file() -> Path:
    path = data_dir() / "locomo" / "locomo10.json"
    if not path.is_file():
        pytest.skip(f"{path} not available")
    return path
