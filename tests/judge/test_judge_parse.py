from __future__ import annotations

import asyncio

import pytest

from memobench.judge import Judge, JudgeItem, parse_verdict
from memobench.llm import MockBackend


@pytest.mark.parametrize(
    ("reply", "label"),
    [
        ('{"reasoning": "same date", "label": "CORRECT"}', "CORRECT"),
        ('Sure! ```json\n{"reasoning": "no", "label": "wrong"}\n```', "WRONG"),
        ("CORRECT", "CORRECT"),
        ("Label: WRONG.", "WRONG"),
        ("INCORRECT", "WRONG"),
        ("I cannot decide", None),
        ("CORRECT or WRONG, hard to say", None),  # ambiguity is never a pass
        ('{"label": "maybe"}', None),
    ],
)
def test_parse_verdict(reply: str, label: str | None) -> None:
    assert parse_verdict(reply)[0] == label


def test_garbage_retried_once_then_error() -> None:
    calls: list[str] = []

    def fn(prompt: str) -> str:
        calls.append(prompt)
        return "no idea"

    MockBackend.script("garbage", fn)
    v = asyncio.run(
        Judge("strict", "mock:garbage").judge(JudgeItem(question="q", gold="a", answer="b"))
    )
    assert v.labels == (None,) and v.score is None and v.n_errors == 1 and v.label is None
    assert len(calls) == 2  # first try + one nudged retry


def test_retry_recovers() -> None:
    MockBackend.script("flaky", lambda p: "CORRECT" if "could not be read" in p else "hmm")
    v = asyncio.run(
        Judge("lenient", "mock:flaky").judge(JudgeItem(question="q", gold="a", answer="a"))
    )
    assert v.score == 1.0


def test_k_judgments_mean_and_spread() -> None:
    from memobench.judge import run_spread

    MockBackend.script("alt", ["CORRECT", "WRONG", "CORRECT", "CORRECT"])
    j = Judge("strict", "mock:alt", k=2)
    assert j.temperature > 0
    vs = [asyncio.run(j.judge(JudgeItem(question="q", gold="a", answer=str(i)))) for i in range(2)]
    assert sorted(v.score for v in vs) == [0.5, 1.0]
    spread = run_spread(vs)
    assert spread["mean"] == pytest.approx(0.75) and len(spread["run_means"]) == 2


def test_prompts_are_distinct_and_hashed() -> None:
    s, lax = Judge("strict", "mock:x"), Judge("lenient", "mock:x")
    assert s.prompt_sha256 != lax.prompt_sha256 and len(s.prompt_sha256) == 64
    assert s.temperature == 0.0
    text = s.prompt.render(question="Q?", gold="G", answer="A")
    assert "Q?" in text and '"label"' in text
