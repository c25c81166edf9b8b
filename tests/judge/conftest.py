from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from memobench.datasets import LoadedDataset, load_dataset
from memobench.llm import MockBackend

# Same lookup as tests/conftest.py: MEMOBENCH_DATA_DIR, else ../shared/datasets beside the clone.
_DATA = os.environ.get("MEMOBENCH_DATA_DIR")
LOCOMO = (
    (Path(_DATA) if _DATA else Path(__file__).resolve().parents[2].parent / "shared" / "datasets")
    / "locomo"
    / "locomo10.json"
)


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
        pytest.skip(f"locomo10.json not found at {LOCOMO}; set MEMOBENCH_DATA_DIR")
    return _locomo()
