"""Retrieval-bypass guards on the real conv-30 conversation."""

from __future__ import annotations

import json
from pathlib import Path

from memobench.viewer import run_guards

RAG = Path(__file__).resolve().parents[2] / "results" / "smoke" / "rag" / "samples.jsonl"


def _qa(retrieved):
    return {"task": "qa", "conversation_id": "conv-30", "retrieved": retrieved}


def test_published_rag_run_is_not_flagged(locomo):
    samples = [json.loads(x) for x in RAG.read_text(encoding="utf-8").splitlines()]
    assert run_guards(samples, locomo.conversations) == []


def test_whole_history_retrieval_is_flagged(locomo):
    conv = next(c for c in locomo.conversations if c.sample_id == "conv-30")
    every_session = [f"S{s.index}" for s in conv.sessions]
    warnings = run_guards([_qa(every_session)], locomo.conversations)
    assert len(warnings) == 2
    assert "100% of the conversation" in warnings[0] and "1/1 questions" in warnings[1]
    # a third of the turns, retrieved turn by turn: share flagged, top-k below the session count
    turns = [t.dia_id for s in conv.sessions for t in s.turns]
    few = turns[: len(turns) // 3]
    assert len(few) >= len(conv.sessions)  # so top-k fires too; use a run below it as control
    w = run_guards([_qa(few)], locomo.conversations)
    assert any("of the conversation" in x for x in w)
    assert run_guards([_qa(turns[:3])], locomo.conversations) == []
