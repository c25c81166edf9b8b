"""BLEU-1/2 (NLTK ``sentence_bleu``/``corpus_bleu``, smoothing method1) on a data-free tokenizer.

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
"""

from __future__ import annotations

import re
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


def bleu_scores(
    prediction: str, reference: str | Sequence[str], *, which: Sequence[str] = tuple(BLEU_WEIGHTS)
) -> dict[str, float]:
    """Sentence BLEU-1 and BLEU-2 of ``prediction`` against one or several references.

    An empty prediction or no non-empty reference scores 0.0 (NLTK would warn or divide by
    zero). With several references NLTK clips counts against the max per reference and uses
    the closest reference length for the brevity penalty.
    """
    from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu

    hyp = bleu_tokenize(prediction)
    refs = _as_refs(reference)
    if not hyp or not refs:
        return dict.fromkeys(which, 0.0)
    smooth = SmoothingFunction().method1
    return {
        name: float(sentence_bleu(refs, hyp, weights=BLEU_WEIGHTS[name], smoothing_function=smooth))
        for name in which
    }


def corpus_bleu_scores(
    predictions: Sequence[str], references: Sequence[str | Sequence[str]]
) -> dict[str, float]:
    """Corpus BLEU-1/2 (NLTK ``corpus_bleu``: n-gram counts and lengths pooled over all pairs).

    Not the mean of sentence BLEU. Pairs whose prediction or references are empty are still
    pooled (they add length to the brevity penalty / nothing to the counts); if no pair has a
    non-empty prediction and reference the result is 0.0.
    """
    from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu

    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions vs {len(references)} references")
    hyps, refss = [], []
    for pred, ref in zip(predictions, references, strict=True):
        refs = _as_refs(ref)
        if not refs:  # corpus_bleu cannot take a pair without references
            continue
        hyps.append(bleu_tokenize(pred))
        refss.append(refs)
    if not any(hyps):
        return dict.fromkeys(BLEU_WEIGHTS, 0.0)
    smooth = SmoothingFunction().method1
    return {
        name: float(corpus_bleu(refss, hyps, weights=w, smoothing_function=smooth))
        for name, w in BLEU_WEIGHTS.items()
    }
