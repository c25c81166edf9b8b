"""Category 1's official score is numpy's: ``round(np.mean(parts), 3)`` on a float64. memobench
averages (numpy's pairwise sum) and rounds without importing numpy, since the runner scores
answers on its loop while replies wait; these vectors hold it to numpy bit for bit."""

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


def test_mean_is_numpys_pairwise_sum_at_every_length() -> None:
    # Up to 128 values numpy sums with eight accumulators, above that in halves: lengths on
    # both sides of each cut, values that round differently in the last bit.
    rng = random.Random(11)
    lengths = [*range(1, 40), 127, 128, 129, 136, 255, 256, 257, 300, 1_000, 1_025]
    for _ in range(40):
        for n in lengths:
            scale = 10.0 ** rng.randint(-8, 8)
            values = [rng.uniform(-1, 1) * scale for _ in range(n)]
            assert numpy_mean(values) == float(np.mean(values)), n
            mixed = [rng.choice([0, 1, 1 / 3, 2 / 3, 0.4, 0.857142857]) for _ in range(n)]
            assert numpy_mean(mixed) == float(np.mean(mixed)), n


def test_a_left_to_right_sum_would_not_be_numpys() -> None:
    # Why the pairwise order is reproduced: summed left to right, some means differ.
    rng = random.Random(5)
    differ = 0
    for _ in range(2_000):
        values = [rng.random() for _ in range(rng.randint(9, 200))]
        differ += sum(values) / len(values) != float(np.mean(values))
    assert differ > 0


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
