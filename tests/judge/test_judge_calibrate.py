from __future__ import annotations

import re

import pytest

from memobench.judge import Decoy, Judge, build_decoys, calibrate, cohens_kappa


def _decoys() -> list[Decoy]:
    rows = [
        ("gold", "7 May 2023", "CORRECT"),
        ("paraphrase", "I think it was 7 May 2023.", "CORRECT"),
        ("overlong", "7 May 2023. They also chatted about music.", "CORRECT"),
        ("vague", "They talked about the support group a lot.", "WRONG"),
        ("specific_wrong", "Psychology", "WRONG"),
        ("abstention", "Not mentioned in the conversation.", "WRONG"),
    ]
    return [
        Decoy(
            decoy_id=f"c:q0/{k}",
            qa_id="c:q0",
            category=2,
            kind=k,
            question="When?",
            gold="7 May 2023",
            answer=a,
            expected=e,
        )
        for k, a, e in rows
    ]


def _exact(prompt: str) -> str:
    gold = re.search(r"Gold answer: (.*)", prompt).group(1)
    ans = re.search(r"Answer to grade: (.*)", prompt).group(1)
    return '{"reasoning": "x", "label": "%s"}' % ("CORRECT" if gold == ans else "WRONG")


def test_yes_judge_has_fpr_one(fake_judges) -> None:
    rep = calibrate([Judge("lenient", fake_judges["yes"])], _decoys())
    cal = rep.judges[0]
    assert (cal.tpr, cal.fpr, cal.n_errors) == (1.0, 1.0, 0)
    assert cal.acceptance_by_kind["abstention"] == 1.0


def test_exact_judge_fpr_zero_tpr_below_one_and_kappa(fake_judges) -> None:
    rep = calibrate(
        [Judge("strict", fake_judges["exact"]), Judge("lenient", fake_judges["yes"])], _decoys()
    )
    exact = rep.judges[0]
    assert exact.fpr == 0.0 and exact.tpr == pytest.approx(1 / 3)
    assert exact.acceptance_by_kind == {
        "gold": 1.0,
        "paraphrase": 0.0,
        "overlong": 0.0,
        "vague": 0.0,
        "specific_wrong": 0.0,
        "abstention": 0.0,
    }
    # yes-judge is constant: chance agreement = share of exact's CORRECT labels → κ = 0.
    assert rep.kappa == pytest.approx(0.0)
    assert len(rep.disagreements) == 5


def test_cohens_kappa_values() -> None:
    C, W = "CORRECT", "WRONG"
    assert cohens_kappa([C, W, C, W], [C, W, C, W]) == 1.0
    assert cohens_kappa([C, C, W, W], [C, W, C, W]) == pytest.approx(0.0)
    assert cohens_kappa([C, W], [W, C]) == pytest.approx(-1.0)
    assert cohens_kappa([C, None], [C, W]) == 1.0  # errors dropped pairwise
    assert cohens_kappa([None], [C]) is None


def test_build_decoys_deterministic(locomo) -> None:
    a = build_decoys(locomo.conversations, n=20, seed=3)
    b = build_decoys(locomo.conversations, n=20, seed=3)
    assert a == b and len({d.qa_id for d in a}) == 20
    assert {d.kind for d in a} == {
        "gold",
        "paraphrase",
        "overlong",
        "vague",
        "specific_wrong",
        "abstention",
    }
    for d in a:
        if d.kind == "specific_wrong":
            assert not set(d.gold.lower().split()) & set(d.answer.lower().split())
        if d.kind in ("gold", "paraphrase", "overlong"):
            assert d.gold in d.answer and d.expected == "CORRECT"
    assert build_decoys(locomo.conversations, n=20, seed=4) != a


@pytest.fixture
def fake_judges():
    """The yes-judge over real HTTP (fake OpenAI server), the exact-match judge as mock:."""
    from memobench.llm import MockBackend, get_llm
    from memobench.testing import FakeOpenAIServer

    MockBackend.script("exact", _exact)
    with FakeOpenAIServer(reply='{"reasoning": "same topic", "label": "CORRECT"}') as srv:
        yield {
            "yes": get_llm("openai:judge-yes", base_url=srv.base_url, api_key="x"),
            "exact": "mock:exact",
        }
