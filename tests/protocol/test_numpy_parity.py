"""Category 1's official score is numpy's: ``round(np.mean(parts), 3)`` on a float64. memobench
averages and rounds without importing numpy (the runner scores answers on its loop while
numpy loads in another thread); these vectors hold it to numpy bit for bit."""

from __future__ import annotations

import random

import numpy as np

from memobench.scoring._locomo_qa import f1_score, numpy_mean, numpy_round, score_qa


def _f1_like(rng: random.Random) -> float:
    # Values F1 takes (2pr/(p+r) of small token counts), plus arbitrary ones.
    if rng.random() < 0.7:
        same, pred, gold = rng.randint(1, 6), rng.randint(6, 12), rng.randint(6, 12)
        p, r = same / pred, same / gold
        return 2 * p * r / (p + r)
    return rng.random()


def test_mean_and_round_are_numpys_bit_for_bit() -> None:
    rng = random.Random(7)
    for _ in range(50_000):
        values = [_f1_like(rng) for _ in range(rng.randint(1, 12))]  # both sides of 8
        assert numpy_mean(values) == float(np.mean(values))
        assert numpy_round(numpy_mean(values), 3) == float(round(np.mean(values), 3))
    for k in range(20_001):  # every 3-decimal boundary x.xxx5 and its neighbours
        for x in (k / 20_000, k / 20_000 + 1e-12, k / 20_000 - 1e-12):
            assert numpy_round(x, 3) == float(round(np.float64(x), 3)), x


def test_numpy_rounding_differs_from_pythons_where_it_matters() -> None:
    # Why the category-1 path rounds numpy's way: the two disagree on some values.
    differ = [
        k / 20_000 for k in range(20_001) if round(k / 20_000, 3) != numpy_round(k / 20_000, 3)
    ]
    assert differ, "no value where numpy's and Python's rounding differ"


def test_category_1_score_matches_the_official_expression() -> None:
    rng = random.Random(3)
    words = ["paris", "dog", "beach", "house", "hiking", "the", "a", "red", "car", "may"]
    for _ in range(2_000):
        pred = ", ".join(" ".join(rng.choices(words, k=rng.randint(1, 3))) for _ in range(3))
        gold = ", ".join(
            " ".join(rng.choices(words, k=rng.randint(1, 3))) for _ in range(rng.randint(1, 10))
        )
        preds, golds = [p.strip() for p in pred.split(",")], [g.strip() for g in gold.split(",")]
        official = round(np.mean([max(f1_score(p, g) for p in preds) for g in golds]), 3)
        assert score_qa(pred, gold, 1) == float(official), (pred, gold)
