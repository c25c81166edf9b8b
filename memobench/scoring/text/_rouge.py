"""ROUGE-1/2/L via Google's ``rouge-score`` package (Porter stemming on).

LoCoMo's paper used the ``rouge`` PyPI package for event summarization and dialogue generation;
we use ``rouge-score`` (the maintained reference implementation, offline, already a core
dependency). Both lowercase and tokenize on non-alphanumerics; ``rouge-score`` stems tokens
longer than 3 characters with NLTK's Porter stemmer when ``use_stemmer=True``. Absolute numbers
can differ slightly from the ``rouge`` package (different tokenizer/LCS details).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from rouge_score.rouge_scorer import RougeScorer

#: ROUGE variants computed, in output order.
ROUGE_TYPES: tuple[str, ...] = ("rouge1", "rouge2", "rougeL")


class _CachedStemmer:
    """rouge-score's Porter stemmer with memoised stems (pure function; the same output).

    Stemming is most of ROUGE's cost and answers repeat words, so caching halves scoring time.
    """

    def __init__(self) -> None:
        from nltk.stem import porter

        self.stem = functools.lru_cache(maxsize=200_000)(porter.PorterStemmer().stem)


@functools.lru_cache(maxsize=8)
def _scorer(types: tuple[str, ...] = ROUGE_TYPES) -> RougeScorer:
    # Built once per type set: constructing a RougeScorer imports nltk (~1.7 s cold).
    from rouge_score import rouge_scorer, tokenizers

    tokenizer = tokenizers.DefaultTokenizer(use_stemmer=True)
    tokenizer._stemmer = _CachedStemmer()  # same stems, memoised
    return rouge_scorer.RougeScorer(list(types), tokenizer=tokenizer)


def _flatten(scores: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key in scores:
        s = scores[key]
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
    return _flatten(_scorer(types).score(reference, prediction))


def rouge_scores_multi(prediction: str, references: Sequence[str]) -> dict[str, float]:
    """Multi-reference ROUGE: per ROUGE type, the P/R/F of the reference with the best F.

    Same convention as ``RougeScorer.score_multi`` (each type is maximised independently, so
    ``rouge1`` and ``rougeL`` may come from different references). No references → all zeros.
    """
    if not references:
        return _flatten(_scorer().score("", prediction))
    per_ref = [_scorer().score(ref, prediction) for ref in references]
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
