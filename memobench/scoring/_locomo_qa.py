"""LoCoMo-exact QA scoring: token F1, category rules, per-question rounding, recall.

Each function mirrors one function of the official ``task_eval/evaluation.py`` and is pinned
by the test vectors of the LoCoMo reference (§2.5) plus our own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..data import QACategory
from ._normalize import answer_tokens

#: Phrases that count as abstaining on a category-5 question (substring of the lowercased answer).
ABSTAIN_PHRASES = ("no information available", "not mentioned")


def f1_score(prediction: str, ground_truth: str) -> float:
    """Token F1 over Porter-stemmed normalized tokens (multiset overlap)."""
    pred = answer_tokens(prediction)
    gold = answer_tokens(ground_truth)
    common = Counter(pred) & Counter(gold)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(pred)
    recall = 1.0 * num_same / len(gold)
    return (2 * precision * recall) / (precision + recall)


def multi_answer_f1(prediction: str, ground_truth: str) -> float:
    """Category 1: mean over comma-split gold parts of the best F1 against any predicted part,
    as the official ``np.mean`` computes it (see :func:`numpy_mean`)."""
    predictions = [p.strip() for p in prediction.split(",")]
    ground_truths = [g.strip() for g in ground_truth.split(",")]
    return numpy_mean([max(f1_score(p, gt) for p in predictions) for gt in ground_truths])


#: Below this many values numpy's pairwise summation is a plain left-to-right loop.
_NUMPY_PAIRWISE_MIN = 8


def numpy_mean(values: list[float]) -> float:
    """``np.mean(values)`` bit for bit. Below 8 values numpy sums left to right, as this does,
    so almost every LoCoMo answer is averaged without importing numpy, which the runner's
    loop would otherwise import (or wait on) while the first answers arrive; 8 or more go to
    numpy itself (its pairwise sum differs in the last bits)."""
    if len(values) >= _NUMPY_PAIRWISE_MIN:
        import numpy as np

        return float(np.mean(values))
    total = 0.0
    for v in values:
        total += v
    return total / len(values)


def numpy_round(value: float, decimals: int) -> float:
    """``round(np.float64(value), decimals)`` as numpy computes it (scale, round half to even,
    unscale), which is not always Python's correctly rounded ``round``."""
    scale = 10.0**decimals
    return round(value * scale) / scale


def is_abstention(prediction: str) -> bool:
    low = prediction.lower()
    return any(p in low for p in ABSTAIN_PHRASES)


def gold_for_scoring(answer: str | None, category: QACategory | int) -> str:
    """The gold text the official scorer compares against (str cast; category 3 cut at ';')."""
    text = str(answer)
    if int(category) == 3:
        text = text.split(";")[0].strip()
    return text


def score_qa(prediction: str, answer: str | None, category: QACategory | int) -> float:
    """The official per-question score, rounded to 3 decimals as the official harness stores it."""
    cat = int(category)
    if cat == 5:
        # The released code reads qa['answer'] first and crashes on 444 items (PR #41);
        # the gold answer plays no part in the category-5 rule, so it is never read here.
        return 1.0 if is_abstention(prediction) else 0.0
    if cat not in (1, 2, 3, 4):
        raise ValueError(f"unknown LoCoMo category {category!r}")
    gold = gold_for_scoring(answer, cat)
    if cat == 1:  # the official value is numpy's float64 there, and so is its rounding
        return numpy_round(multi_answer_f1(prediction, gold), 3)
    return float(round(f1_score(prediction, gold), 3))


def official_recall(retrieved: Sequence[str] | None, evidence_raw: Sequence[str]) -> float:
    """Per-question retrieval recall with the official semantics, rounded to 3 decimals.

    Summary mode (first retrieved id starts with ``S``): a gold id counts when its session is
    retrieved. Otherwise exact string match of the raw gold ids. No context or no evidence → 1.
    """
    if not retrieved or not evidence_raw:
        return 1.0
    if retrieved[0].startswith("S"):
        sessions = {r[1:] for r in retrieved}
        hits = sum(1 for e in evidence_raw if e.split(":")[0][1:] in sessions)
    else:
        flat = set(retrieved)
        hits = sum(1 for e in evidence_raw if e in flat)
    return float(round(hits / len(evidence_raw), 3))


def recall_at_k(retrieved: Sequence[str], evidence: Sequence[str], k: int) -> float | None:
    """Share of (cleaned, deduplicated) gold ids among the first k retrieved; None if no gold."""
    if not evidence:
        return None
    top = set(retrieved[:k])
    return sum(1 for e in evidence if e in top) / len(evidence)
