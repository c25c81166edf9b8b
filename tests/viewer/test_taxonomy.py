"""Failure taxonomy on samples with known retrieved ids and evidence."""

from __future__ import annotations

from memobench.results import SampleRecord
from memobench.scoring import TAXONOMY_LABELS, classify, correctness_key, failure_taxonomy


def _s(item, cat, retrieved, f1, *, recall=None, task="qa", **extra_scores):
    return {
        "task": task,
        "item_id": item,
        "conversation_id": "c",
        "category": cat,
        "prediction": "x",
        "retrieved": retrieved,
        "scores": {"f1": f1, "recall": recall, **extra_scores},
    }


EVIDENCE = {"q1": ("D1:1",), "q2": ("D1:2",), "q3": ("D2:1",), "q4": (), "q5": ("D3:3",)}
SAMPLES = [
    _s("q1", 1, ["D1:1", "D9:9"], 0.9),  # right
    _s("q2", 2, ["D1:1", "D9:9"], 0.1),  # wrong, gold D1:2 not retrieved
    _s("q3", 4, ["D5:5", "D2:1"], 0.2),  # wrong, gold D2:1 retrieved at rank 2
    _s("q4", 4, ["D1:1"], 0.0),  # no gold evidence
    _s("q5", 2, ["D3:3"], 0.0, false_abstention=1.0),  # abstained on an answerable question
    _s("q6", 5, ["D1:1"], 0.0, abstain_on_unanswerable=0.0),  # answered the unanswerable
    _s("q7", 5, ["D1:1"], 1.0, abstain_on_unanswerable=1.0),  # abstained: right
    _s("q8", 1, None, 0.0),  # agent returns no retrieved items: out of scope
    _s("t1", None, ["D1:1"], 0.0, task="dialogue"),  # not QA: out of scope
]


def test_counts_with_known_retrieved_ids():
    tax = failure_taxonomy(SAMPLES, evidence=EVIDENCE)
    assert tax["key"] == "f1" and tax["n"] == 7
    assert tax["overall"] == {
        "correct": 2,
        "retrieval_miss": 1,
        "reader_miss": 1,
        "false_abstention": 1,
        "missed_abstention": 1,
        "not_scorable": 1,
    }
    assert tax["per_category"]["4"] == dict.fromkeys(TAXONOMY_LABELS, 0) | {
        "reader_miss": 1,
        "not_scorable": 1,
    }
    assert sum(sum(c.values()) for c in tax["per_category"].values()) == tax["n"]


def test_recall_score_stands_in_for_evidence_and_records_work():
    rows = [
        _s("a", 1, ["D1:1"], 0.0, recall=0.0),
        _s("b", 1, ["D1:1"], 0.0, recall=0.5),
        _s("c", 1, ["D1:1"], 0.0, recall=None),
    ]
    assert [classify(r, key="f1") for r in rows] == [
        "retrieval_miss",
        "reader_miss",
        "not_scorable",
    ]
    records = [SampleRecord.model_validate(r) for r in rows]
    assert failure_taxonomy(records)["overall"] == failure_taxonomy(rows)["overall"]


def test_judge_decides_when_present():
    rows = [
        _s("a", 1, ["D1:1"], 0.9, recall=1.0, judge_strict=0.0),
        _s("b", 1, ["D1:1"], 0.0, recall=0.0, judge_strict=1.0),
    ]
    assert correctness_key(rows) == "judge_strict"
    tax = failure_taxonomy(rows)
    assert tax["key"] == "judge_strict"
    assert (tax["overall"]["reader_miss"], tax["overall"]["correct"]) == (1, 1)
    assert failure_taxonomy(rows, key="f1")["overall"]["correct"] == 1
