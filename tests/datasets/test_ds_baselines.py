"""Every baseline runs on BEAM (the longest 100K chat, ~170K tokens) and on a Locomo-Plus item
against the fake OpenAI server, and no prompt exceeds the reader's context window."""

from __future__ import annotations

from pathlib import Path

import pytest

from memobench._util.tokens import count_tokens
from memobench.runner import RunConfig, Runner
from memobench.testing import FakeOpenAIServer

AGENTS = ["no-memory", "oracle", "long-context", "rag", "summary"]
#: What the long-context baseline truncates an ``openai:`` reader to (tokens).
WINDOW = 128_000


@pytest.mark.parametrize("agent", AGENTS)
def test_baseline_on_beam_and_locomo_plus_within_budget(  # type: ignore[no-untyped-def]
    tmp_path: Path, data_dir: Path, beam, locomo_plus, agent: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    longest = max(
        beam.conversations, key=lambda c: sum(len(t.text) for s in c.sessions for t in s.turns)
    )
    transcript = sum(count_tokens(t.text) for s in longest.sessions for t in s.turns)
    assert transcript > WINDOW  # the budget binds on this chat
    sizes: list[int] = []

    def reply(req) -> str:  # type: ignore[no-untyped-def]
        sizes.append(count_tokens(req.prompt))
        return "an answer"

    with FakeOpenAIServer(reply=reply) as srv:
        monkeypatch.setenv("OPENAI_API_KEY", "x")
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        for dataset, conv, n in (
            ("beam-100k", longest.sample_id, 2),
            ("locomo-plus", locomo_plus.conversations[0].sample_id, 1),
        ):
            res = Runner(
                RunConfig(
                    agent=agent,
                    dataset=dataset,
                    data_path=str(data_dir),
                    model="openai:fake",
                    embedder="openai:fake-embed",
                    base_url=srv.base_url,
                    conversations=(conv,),
                    limit=2,
                    out=tmp_path / f"{agent}-{dataset}",
                )
            ).run()
            qa = res.tasks["qa"]
            assert qa.metrics["f1"].n == n and not qa.extra.get("errors")
            assert qa.extra["by_label"]  # per-ability / per-type rows
    assert sizes and max(sizes) <= WINDOW, max(sizes)
    if agent == "long-context":
        # Truncated to the window, not far below it: the newest ~125K tokens are kept.
        assert max(sizes) > WINDOW - 8_000
