"""Baselines keep their prompts inside the reader's window (the embedded model has 4,096)."""

from __future__ import annotations

from memobench._util.tokens import count_tokens
from memobench.agents import AgentContext
from memobench.baselines import SummaryAgent
from memobench.baselines._reader import context_window
from memobench.baselines._serialize import fit_recent


def test_fit_recent_keeps_newest_blocks_in_order() -> None:
    blocks = [f"block {i} " + "word " * 50 for i in range(10)]
    out = fit_recent(blocks, 200)
    assert count_tokens(out) <= 200
    assert out.startswith("block 7") and out.rstrip().endswith("word")
    assert "block 9" in out and "block 6" not in out


def test_summary_memory_fits_the_local_window() -> None:
    ctx = AgentContext(conversation_id="c", speakers=("A", "B"), reader_spec="local:gemma3-270m")
    agent = SummaryAgent(context=ctx)
    agent.summaries = [(i, f"{i} May, 2023", "summary " * 250) for i in range(1, 20)]
    budget = context_window(ctx.reader_spec) - 400
    memory = agent._memory(None, budget)
    assert count_tokens(memory) <= budget
    dates = [block.split(":", 1)[0] for block in memory.split("\n\n")]
    assert dates[-1] == "19 May, 2023"  # the newest is always kept, in chronological order
    assert "1 May, 2023" not in dates and len(dates) < 19  # the oldest ones are dropped
