from __future__ import annotations

import pytest

from memobench.results import SampleRecord, item_scores, recompute_task_metrics


def _rec(item, conv, cat, f1, recall=None, prediction="x", task="qa"):
    return SampleRecord(
        task=task,
        item_id=item,
        conversation_id=conv,
        category=cat,
        prediction=prediction,
        scores={"f1": f1, "recall": recall},
    )


SAMPLES = [
    _rec("c1:q0", "c1", 1, 1.0, 1.0),
    _rec("c1:q1", "c1", 5, 0.0, None, prediction=None),
    _rec("c2:q0", "c2", 4, 0.5, 0.0),
    _rec("c2:q1", "c2", 4, 0.25, 0.5),
    _rec("e:0", "c2", None, 0.9, task="event_summary"),
]


def test_hand_computed_means():
    m = recompute_task_metrics(SAMPLES, "qa", seed=0)
    assert m.metrics["f1"].value == pytest.approx((1 + 0 + 0.5 + 0.25) / 4)
    assert m.metrics["f1"].n == 4 and m.metrics["f1"].n_clusters == 2
    assert m.metrics["f1"].n_missing == 1
    assert m.metrics["f1_cat1_4"].value == pytest.approx((1 + 0.5 + 0.25) / 3)
    assert m.metrics["recall"].value == pytest.approx(0.5)  # None = not applicable
    assert m.metrics["recall"].n == 3
    assert set(m.by_category) == {"1", "4", "5"}
    assert m.by_category["4"]["f1"].value == pytest.approx(0.375)
    assert "recall" not in m.by_category["5"]
    # Two clusters: the CI spans the two cluster means exactly (see tests/stats).
    ci = (m.metrics["f1"].ci_low, m.metrics["f1"].ci_high)
    assert ci == pytest.approx((0.375, 0.5))


def test_task_filter_and_explicit_metrics():
    m = recompute_task_metrics([s.model_dump() for s in SAMPLES], "event_summary", metrics=["f1"])
    assert list(m.metrics) == ["f1"] and m.metrics["f1"].value == pytest.approx(0.9)
    assert m.by_category == {}


def test_duplicate_item_last_wins():
    redo = _rec("c2:q1", "c2", 4, 0.75, 0.5)
    m = recompute_task_metrics([*SAMPLES, redo], "qa")
    assert m.metrics["f1"].n == 4
    assert m.metrics["f1"].value == pytest.approx((1 + 0 + 0.5 + 0.75) / 4)


def test_item_scores_for_paired_tests():
    values, clusters = item_scores(SAMPLES, "qa", "f1_cat1_4")
    assert values == {"c1:q0": 1.0, "c2:q0": 0.5, "c2:q1": 0.25}
    assert clusters["c2:q1"] == "c2"


def test_empty_metric_is_none():
    m = recompute_task_metrics(SAMPLES, "qa", metrics=["bleu1"])
    assert m.metrics["bleu1"].value is None and m.metrics["bleu1"].n == 0
