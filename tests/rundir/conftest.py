from __future__ import annotations

from pathlib import Path

import pytest

from memobench.llm import MockBackend


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
