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


#: numpy's pairwise summation: below 8 values a plain loop; up to 128, eight interleaved
#: accumulators; above that, two halves (cut at a multiple of 8) summed recursively.
_PAIRWISE_UNROLL = 8
_PAIRWISE_BLOCK = 128


def numpy_mean(values: Sequence[float]) -> float:
    """``np.mean(values)`` bit for bit: numpy's pairwise sum, then one division. Pure Python,
    so scoring an answer never imports numpy, which the runner's loop would otherwise import
    (0.1-0.2 s here, holding the GIL) while replies are waiting. Pinned against numpy itself by
    ``tests/scoring/test_numpy_mean.py``."""
    floats = [float(v) for v in values]
    return _pairwise_sum(floats, 0, len(floats)) / len(floats)


def _pairwise_sum(a: list[float], lo: int, n: int) -> float:
    if n < _PAIRWISE_UNROLL:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    if n <= _PAIRWISE_BLOCK:
        r = a[lo : lo + _PAIRWISE_UNROLL]
        i = _PAIRWISE_UNROLL
        whole = n - n % _PAIRWISE_UNROLL
        while i < whole:
            for j in range(_PAIRWISE_UNROLL):
                r[j] += a[lo + i + j]
            i += _PAIRWISE_UNROLL
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for k in range(lo + i, lo + n):
            res += a[k]
        return res
    half = n // 2
    half -= half % _PAIRWISE_UNROLL
    return _pairwise_sum(a, lo, half) + _pairwise_sum(a, lo + half, n - half)


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
