from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

from memobench.datasets import LoadedDataset, load_dataset
from memobench.llm import MockBackend

LOCOMO = Path("/work/shared/datasets/locomo/locomo10.json")


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("MEMOBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MEMOBENCH_NO_CACHE", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    MockBackend.reset()
    yield
    MockBackend.reset()


@functools.cache
def _locomo() -> LoadedDataset:
    return load_dataset(LOCOMO)


@pytest.fixture
def locomo() -> LoadedDataset:
    if not LOCOMO.is_file():
        pytest.skip("locomo10.json not available")
    return _locomo()
