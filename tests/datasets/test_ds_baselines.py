"""Every baseline runs on a BEAM chat (~75K-170K tokens) and on a Locomo-Plus item against the
fake OpenAI server, and no prompt exceeds the reader's context window: the reader is given the
embedded models' 3,600-token window, where five retrieved BEAM turns alone overflow."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from memobench._util.tokens import count_tokens
from memobench.baselines import _reader as reader_module
from memobench.runner import RunConfig, Runner
from memobench.testing import FakeOpenAIServer

AGENTS = ["no-memory", "oracle", "long-context", "rag", "summary"]
READER = "openai:fake-4k"
#: The window the baselines fit their prompts to for ``READER`` (that of ``local:`` models).
WINDOW = 3_600


@pytest.fixture(scope="module")
def small_files(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """BEAM chat 1 as a one-chat BEAM folder; Locomo-Plus item 0 beside LoCoMo."""
    root = tmp_path_factory.mktemp("small")
    beam = root / "beam1"
    shutil.copytree(data_dir / "beam" / "100K" / "1", beam / "1")
    lp = root / "lp"
    lp.mkdir()
    items = json.loads((data_dir / "locomo_plus" / "locomo_plus.json").read_text())
    (lp / "locomo_plus.json").write_text(json.dumps(items[:1]))
    shutil.copy(data_dir / "locomo" / "locomo10.json", lp / "locomo10.json")
    return {"beam": beam, "locomo-plus": lp / "locomo_plus.json"}


@pytest.mark.parametrize("agent", AGENTS)
def test_baseline_on_beam_and_locomo_plus_within_budget(
    tmp_path: Path, small_files: dict[str, Path], agent: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(reader_module.CONTEXT_WINDOWS, READER, WINDOW)
    sizes: list[int] = []

    def reply(req) -> str:  # type: ignore[no-untyped-def]
        sizes.append(count_tokens(req.prompt))
        return "an answer"

    with FakeOpenAIServer(reply=reply) as srv:
        monkeypatch.setenv("OPENAI_API_KEY", "x")
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        for name, path in small_files.items():
            res = Runner(
                RunConfig(
                    agent=agent,
                    dataset=str(path),
                    model=READER,
                    embedder="openai:fake-embed",
                    base_url=srv.base_url,
                    limit=2,
                    out=tmp_path / f"{agent}-{name}",
                )
            ).run()
            qa = res.tasks["qa"]
            n = 1 if name == "locomo-plus" else 2
            assert qa.metrics["f1"].n == n and not qa.extra.get("errors")
            assert qa.extra["by_label"]  # per-ability / per-type rows
    assert sizes and max(sizes) <= WINDOW, max(sizes)
    if agent == "long-context":
        # Truncated to the window, not far below it: the newest turns fill it.
        assert max(sizes) > WINDOW - 600


def test_the_beam_chat_overflows_the_window(small_files: dict[str, Path]) -> None:
    """The budget binds: the chat is ~20x the reader's window."""
    from memobench.datasets import load_dataset

    conv = load_dataset(small_files["beam"], format="beam").conversations[0]
    assert sum(count_tokens(t.text) for s in conv.sessions for t in s.turns) > 20 * WINDOW
