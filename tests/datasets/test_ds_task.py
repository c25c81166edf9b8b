"""The QA task on the new datasets: asked at the dataset's time, per-type tables, LongMemEval
retrieval metrics from the agent's retrieved ids (hand-computed expectations)."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest
from rich.console import Console

from memobench.datasets import load_dataset
from memobench.results import aggregate_task
from memobench.tasks import label_table, qa_task, render_question

TINY = Path(__file__).parent / "fixtures" / "longmemeval_tiny.json"


def test_asked_at_is_the_datasets_time(locomo_plus) -> None:  # type: ignore[no-untyped-def]
    lme = load_dataset(TINY, format="longmemeval").conversations[0]
    q = render_question(lme, lme.qa[0]).question
    assert q.asked_at.isoformat() == "2023-05-30T23:40:00"  # question_date, not the last session
    assert lme.sessions[-1].date_time.isoformat() != q.asked_at.isoformat()
    lp = locomo_plus.conversations[0]
    q = render_question(lp, lp.qa[0]).question
    # Item 0: trigger one week after conv-26's last session (22 Oct 2023, 9:55 am).
    assert q.asked_at.isoformat() == "2023-10-29T09:55:00"
    # Cognitive items are tabled by relation type.
    answers = {lp.qa[0].qa_id: {"prediction": "x", "retrieved": None, "extra": {}}}
    (sample,) = qa_task().score([lp], answers, options={})
    assert sample.extra["label"] == f"cognitive:{lp.qa[0].gold['subtype']}"


def _score(retrieved: list[str] | None):  # type: ignore[no-untyped-def]
    ds = load_dataset(TINY, format="longmemeval")
    answers = {
        c.qa[0].qa_id: {"prediction": "3 days", "retrieved": retrieved, "extra": {}}
        for c in ds.conversations
    }
    return qa_task().score(ds.conversations, answers, options={})


def test_lme_turn_and_session_retrieval() -> None:
    # Corpus = user turns D1:1, D2:1, D2:3, D3:1; gold turns D2:1 and D3:1 (has_answer true).
    temporal, abstention = _score(["D2:3", "D2:1", "D1:1", "D3:1"])
    s = temporal.scores
    assert temporal.extra["label"] == "temporal-reasoning"
    assert s["lme_turn_recall_any@5"] == 1.0 and s["lme_turn_recall_all@5"] == 1.0
    # DCG = 0 + 1 (rank 2 undiscounted) + 0 + 1/log2(4); ideal = 1 + 1.
    assert s["lme_turn_ndcg_any@5"] == pytest.approx(1.5 / 2)
    # Sessions in first-seen order D2, D1, D3; gold D2, D3: DCG = 1 + 0 + 1/log2(3).
    assert s["lme_session_ndcg_any@10"] == pytest.approx((1 + 1 / math.log2(3)) / 2)
    assert s["lme_session_recall_all@5"] == 1.0
    # Every k upstream computes: at 1 the top turn D2:3 is no gold turn, at 3 D2:1 is in.
    assert s["lme_turn_recall_any@1"] == 0.0 and s["lme_turn_recall_any@3"] == 1.0
    assert s["lme_turn_recall_all@3"] == 0.0 and s["lme_turn_recall_all@30"] == 1.0
    assert s["lme_session_recall_any@1"] == 1.0  # D2:3's session D2 holds gold D2:1
    assert {k.rpartition("@")[2] for k in s if k.startswith("lme_")} == {
        "1",
        "3",
        "5",
        "10",
        "30",
        "50",
    }
    # Abstention items are skipped, as upstream's means skip them.
    assert abstention.scores["lme_turn_recall_any@5"] is None
    assert abstention.extra["label"] == "single-session-user"


def test_lme_session_ids_score_session_level_only() -> None:
    temporal, _ = _score(["S3", "S1"])
    s = temporal.scores
    assert s["lme_session_recall_any@5"] == 1.0 and s["lme_session_recall_all@5"] == 0.0
    assert s["lme_session_ndcg_any@5"] == pytest.approx(0.5)  # (1 + 0) / (1 + 1)
    assert s["lme_turn_recall_any@5"] is None


def test_no_retrieved_ids_no_retrieval_keys() -> None:
    temporal, _ = _score(None)
    assert not any(k.startswith("lme_") for k in temporal.scores)


def test_per_label_table_in_results_and_terminal() -> None:
    samples = _score(["D2:1"])
    res = aggregate_task(
        samples, task="qa", task_version="1", scoring_version="1", main_metric="f1"
    )
    by_label = res.extra["by_label"]
    assert set(by_label) == {"temporal-reasoning", "single-session-user"}
    assert by_label["temporal-reasoning"]["f1"]["value"] == pytest.approx(samples[0].scores["f1"])
    assert by_label["temporal-reasoning"]["f1"]["n"] == 1
    out = io.StringIO()
    Console(file=out, width=200).print(label_table(res))
    text = out.getvalue()
    assert "temporal-reasoning" in text and "single-session-user" in text


def test_plain_locomo_gets_no_label_table(locomo_plus) -> None:  # type: ignore[no-untyped-def]
    from memobench.results import SampleRecord

    s = SampleRecord(
        item_id="x", conversation_id="c", category=1, prediction="a", scores={"f1": 1.0}
    )
    res = aggregate_task([s], task="qa", task_version="1", scoring_version="1", main_metric="f1")
    assert "by_label" not in res.extra and label_table(res) is None
