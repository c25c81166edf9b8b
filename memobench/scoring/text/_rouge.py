"""ROUGE-1/2/L exactly as Google's ``rouge-score`` computes them (Porter stemming on).

LoCoMo's paper used the ``rouge`` PyPI package for event summarization and dialogue generation;
we follow ``rouge-score`` (the maintained reference implementation): lowercase, every run of
characters outside ``[a-z0-9]`` becomes a space, tokens longer than 3 characters are Porter
stemmed; ROUGE-N from clipped n-gram counts, ROUGE-L from the longest common subsequence.
Absolute numbers can differ slightly from the ``rouge`` package (different tokenizer/LCS
details).

The arithmetic is ``rouge_score.rouge_scorer``'s, operation for operation, but it runs here:
``rouge_score`` imports all of NLTK (~2 s of CPU), which a QA run would pay for one ROUGE-L
per answer. ``tests/scoring_text/test_text_rouge.py`` checks equality with ``rouge-score``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from .._porter import porter_stem

#: ROUGE variants computed, in output order.
ROUGE_TYPES: tuple[str, ...] = ("rouge1", "rouge2", "rougeL")

_NON_ALPHANUM = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")
_VALID_TOKEN = re.compile(r"^[a-z0-9]+$")
_ROUGE_N = re.compile(r"rouge[0-9]$")


class _Score(NamedTuple):
    precision: float
    recall: float
    fmeasure: float


def _tokenize(text: str) -> list[str]:
    tokens = _SPACES.split(_NON_ALPHANUM.sub(" ", text.lower()))
    tokens = [porter_stem(x) if len(x) > 3 else x for x in tokens]
    return [x for x in tokens if _VALID_TOKEN.match(x)]


def _fmeasure(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def _ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _score_ngrams(target: list[str], prediction: list[str], n: int) -> _Score:
    ref, pred = _ngrams(target, n), _ngrams(prediction, n)
    overlap = sum(min(count, pred[gram]) for gram, count in ref.items())
    precision = overlap / max(sum(pred.values()), 1)
    recall = overlap / max(sum(ref.values()), 1)
    return _Score(precision, recall, _fmeasure(precision, recall))


def _lcs_length(ref: list[str], can: list[str]) -> int:
    prev = [0] * (len(can) + 1)
    for r in ref:
        row = [0]
        for j, c in enumerate(can, 1):
            row.append(prev[j - 1] + 1 if r == c else max(prev[j], row[j - 1]))
        prev = row
    return prev[-1]


def _score_lcs(target: list[str], prediction: list[str]) -> _Score:
    if not target or not prediction:
        return _Score(0.0, 0.0, 0.0)
    lcs = _lcs_length(target, prediction)
    precision = lcs / len(prediction)
    recall = lcs / len(target)
    return _Score(precision, recall, _fmeasure(precision, recall))


def _score(target: str, prediction: str, types: Sequence[str]) -> dict[str, _Score]:
    """``RougeScorer(types, use_stemmer=True).score(target, prediction)``."""
    target_tokens, prediction_tokens = _tokenize(target), _tokenize(prediction)
    out: dict[str, _Score] = {}
    for rouge_type in types:
        if rouge_type == "rougeL":
            out[rouge_type] = _score_lcs(target_tokens, prediction_tokens)
        elif _ROUGE_N.match(rouge_type) and int(rouge_type[5:]) > 0:
            out[rouge_type] = _score_ngrams(target_tokens, prediction_tokens, int(rouge_type[5:]))
        else:
            raise ValueError(f"Invalid rouge type: {rouge_type}")
    return out


def _flatten(scores: dict[str, _Score]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, s in scores.items():
        out[key] = float(s.fmeasure)
        out[f"{key}_precision"] = float(s.precision)
        out[f"{key}_recall"] = float(s.recall)
    return out


def rouge_scores(
    prediction: str, reference: str, *, types: tuple[str, ...] = ROUGE_TYPES
) -> dict[str, float]:
    """ROUGE-1/2/L of ``prediction`` against ``reference``.

    Returns a flat dict: ``rouge1``, ``rouge2``, ``rougeL`` (the F-measures, the headline numbers)
    plus ``<type>_precision`` and ``<type>_recall`` for each. An empty side gives all zeros
    (``rouge-score`` behaviour).
    """
    return _flatten(_score(reference, prediction, types))


def rouge_scores_multi(prediction: str, references: Sequence[str]) -> dict[str, float]:
    """Multi-reference ROUGE: per ROUGE type, the P/R/F of the reference with the best F.

    Same convention as ``RougeScorer.score_multi`` (each type is maximised independently, so
    ``rouge1`` and ``rougeL`` may come from different references). No references → all zeros.
    """
    if not references:
        return _flatten(_score("", prediction, ROUGE_TYPES))
    per_ref = [_score(ref, prediction, ROUGE_TYPES) for ref in references]
    best = {key: max((s[key] for s in per_ref), key=lambda x: x.fmeasure) for key in ROUGE_TYPES}
    return _flatten(best)


def mean_rouge(pairs: Sequence[tuple[str, str]]) -> dict[str, float]:
    """Macro-average of :func:`rouge_scores` over ``(prediction, reference)`` pairs.

    Empty input → ``{}`` (no data is not a score of zero).
    """
    if not pairs:
        return {}
    totals: dict[str, float] = {}
    for pred, ref in pairs:
        for k, v in rouge_scores(pred, ref).items():
            totals[k] = totals.get(k, 0.0) + v
    return {k: v / len(pairs) for k, v in totals.items()}
