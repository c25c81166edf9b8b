"""BLEU-1/2 as NLTK's ``sentence_bleu``/``corpus_bleu`` compute them (smoothing method1), on a
data-free tokenizer.

LoCoMo's dialogue-generation table reports BLEU-1/2 "from NLTK with default settings". NLTK's
``word_tokenize`` needs the downloaded ``punkt_tab`` resource, which an offline harness cannot
rely on, so we use :func:`bleu_tokenize` instead:

* lowercase the text;
* tokens are maximal runs of word characters (``\\w``: letters, digits, underscore, any script),
  optionally joined by internal apostrophes (``don't``, ``sarah's`` stay one token);
* every other non-space character is its own token (punctuation counts, as in word_tokenize).

Differences from word_tokenize: contractions are not split (``don't`` vs ``do`` + ``n't``) and
quotes are not rewritten. Scores are therefore close to, not identical with, a punkt pipeline.

Weights: BLEU-1 = (1, 0, 0, 0); BLEU-2 = (0.5, 0.5, 0, 0). Smoothing: ``SmoothingFunction().
method1`` (a zero n-gram count becomes epsilon=0.1 over the n-gram total), so short turns with
no bigram overlap get a small non-zero BLEU-2 instead of NLTK's 0 + warning.

The arithmetic is ``nltk.translate.bleu_score.corpus_bleu``'s, operation for operation (the
same float results; ``tests/scoring_text/test_text_bleu.py`` checks them against NLTK), but it
runs here: importing it imports all of NLTK (~2 s of CPU, SciPy's stats included), which a QA
run would pay for one BLEU-1 per answer.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_TOKEN_RE = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")

#: n-gram weights per reported BLEU variant.
BLEU_WEIGHTS: dict[str, tuple[float, float, float, float]] = {
    "bleu1": (1.0, 0.0, 0.0, 0.0),
    "bleu2": (0.5, 0.5, 0.0, 0.0),
}


def bleu_tokenize(text: str) -> list[str]:
    """Lowercase and split ``text`` with the documented regex (see module docstring)."""
    return _TOKEN_RE.findall(text.lower())


def _as_refs(reference: str | Sequence[str]) -> list[list[str]]:
    refs = [reference] if isinstance(reference, str) else list(reference)
    return [toks for toks in (bleu_tokenize(r) for r in refs) if toks]


_MAX_N = 4
"""Every weight tuple has four entries; NLTK computes all four precisions."""
_EPSILON = 0.1
"""``SmoothingFunction().method1``'s epsilon."""


def _ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _modified_precision(refs: list[list[str]], hyp: list[str], n: int) -> tuple[int, int]:
    """Clipped n-gram matches and the hypothesis' n-gram count (at least 1), unreduced."""
    counts = _ngrams(hyp, n)
    max_counts: dict[tuple[str, ...], int] = {}
    for ref in refs:
        ref_counts = _ngrams(ref, n)
        for gram in counts:
            max_counts[gram] = max(max_counts.get(gram, 0), ref_counts[gram])
    clipped = sum(min(count, max_counts[gram]) for gram, count in counts.items())
    return clipped, max(1, sum(counts.values()))


def _corpus_bleu(
    pairs: Sequence[tuple[list[list[str]], list[str]]], weights: Sequence[Sequence[float]]
) -> list[float]:
    """``corpus_bleu(refss, hyps, weights, SmoothingFunction().method1)`` per weight tuple."""
    # An order whose weight is 0 everywhere only adds 0 * log(p) = 0 to the sum: NLTK computes
    # its precision anyway, skipping it changes no bit (BLEU-1 alone needs unigrams only).
    top = max((n for w in weights for n, x in enumerate(w, 1) if x), default=1)
    numerators = [0] * (_MAX_N + 1)
    denominators = [0] * (_MAX_N + 1)
    hyp_lengths = ref_lengths = 0
    for refs, hyp in pairs:
        for n in range(1, top + 1):
            num, den = _modified_precision(refs, hyp, n)
            numerators[n] += num
            denominators[n] += den
        hyp_lengths += len(hyp)
        ref_lengths += min((len(r) for r in refs), key=lambda r: (abs(r - len(hyp)), r))
    if numerators[1] == 0:
        return [0.0] * len(weights)
    if hyp_lengths > ref_lengths:
        bp = 1.0
    elif hyp_lengths == 0:
        bp = 0.0
    else:
        bp = math.exp(1 - ref_lengths / hyp_lengths)
    # method1: a zero count becomes epsilon over the total; the others stay exact ratios
    # (num / den of ints rounds exactly as float(Fraction) does).
    p_n = [
        (numerators[n] + _EPSILON) / denominators[n]
        if numerators[n] == 0
        else numerators[n] / denominators[n]
        for n in range(1, top + 1)
    ]
    return [
        bp
        * math.exp(math.fsum(w * math.log(p) for w, p in zip(weight, p_n, strict=False) if p > 0))
        for weight in weights
    ]


def bleu_scores(
    prediction: str, reference: str | Sequence[str], *, which: Sequence[str] = tuple(BLEU_WEIGHTS)
) -> dict[str, float]:
    """Sentence BLEU-1 and BLEU-2 of ``prediction`` against one or several references.

    An empty prediction or no non-empty reference scores 0.0 (NLTK would warn or divide by
    zero). With several references NLTK clips counts against the max per reference and uses
    the closest reference length for the brevity penalty.
    """
    hyp = bleu_tokenize(prediction)
    refs = _as_refs(reference)
    if not hyp or not refs:
        return dict.fromkeys(which, 0.0)
    scores = _corpus_bleu([(refs, hyp)], [BLEU_WEIGHTS[name] for name in which])
    return dict(zip(which, scores, strict=True))


def corpus_bleu_scores(
    predictions: Sequence[str], references: Sequence[str | Sequence[str]]
) -> dict[str, float]:
    """Corpus BLEU-1/2 (NLTK ``corpus_bleu``: n-gram counts and lengths pooled over all pairs).

    Not the mean of sentence BLEU. Pairs whose prediction or references are empty are still
    pooled (they add length to the brevity penalty / nothing to the counts); if no pair has a
    non-empty prediction and reference the result is 0.0.
    """
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions vs {len(references)} references")
    pairs = []
    for pred, ref in zip(predictions, references, strict=True):
        refs = _as_refs(ref)
        if not refs:  # corpus_bleu cannot take a pair without references
            continue
        pairs.append((refs, bleu_tokenize(pred)))
    if not any(hyp for _, hyp in pairs):
        return dict.fromkeys(BLEU_WEIGHTS, 0.0)
    scores = _corpus_bleu(pairs, list(BLEU_WEIGHTS.values()))
    return dict(zip(BLEU_WEIGHTS, scores, strict=True))
