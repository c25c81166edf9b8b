"""Shared fixtures: an isolated cache, no API key, and the real LoCoMo file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _skipguard import pytest_runtest_logreport, pytest_sessionfinish

from memobench.llm import MockBackend

REPO = Path(__file__).resolve().parents[1]


# Re-exported so pytest registers the skip guard's hooks from this conftest.
__all__ = ["pytest_runtest_logreport", "pytest_sessionfinish"]


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEMOBENCH_CACHE_DIR", str(tmp_path_factory.mktemp("memobench-cache")))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


@pytest.fixture(scope="session")
def locomo_path() -> Path:
    env = os.environ.get("MEMOBENCH_DATA_DIR")
    base = Path(env) if env else REPO.parent / "shared" / "datasets"
    path = base / "locomo" / "locomo10.json"
    if not path.is_file():
        pytest.skip(
            f"LoCoMo file not found at {path}; set MEMOBENCH_DATA_DIR to the directory "
            "holding locomo/locomo10.json"
        )
    return path


@pytest.fixture(scope="session")
def locomo(locomo_path: Path):  # type: ignore[no-untyped-def]
    from memobench.datasets import load_dataset

    return load_dataset(locomo_path)


@pytest.fixture
def data_dir(locomo_path: Path) -> str:
    return str(locomo_path.parents[1])


@pytest.fixture
def scripted_reader():  # type: ignore[no-untyped-def]
    """``mock:reader`` answers a gold-looking date for questions and abstains on (a)/(b) forms."""
    calls: list[str] = []

    def reply(prompt: str) -> str:
        calls.append(prompt)
        if "Select the correct answer" in prompt:
            return "Not mentioned in the conversation"
        return "7 May 2023"

    MockBackend.script("reader", reply)
    yield calls
    MockBackend.reset()
