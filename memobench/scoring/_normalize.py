"""LoCoMo's answer normalization and tokenization (``task_eval/evaluation.py``), exactly."""

from __future__ import annotations

import re
import string

from ._porter import porter_stem

_PUNCT = frozenset(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the|and)\b")


def normalize_answer(text: str) -> str:
    """Delete commas, lowercase, delete punctuation, blank out a/an/the/and, collapse spaces.

    Commas are deleted (not spaced) first, so ``"August,2023"`` becomes ``"august2023"``.
    """
    text = text.replace(",", "").lower()
    text = "".join(ch for ch in text if ch not in _PUNCT)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def stem(word: str) -> str:
    """NLTK's Porter stemmer in its default NLTK_EXTENSIONS mode, as the official scorer uses."""
    return porter_stem(word)


def answer_tokens(text: str) -> list[str]:
    """Porter-stemmed tokens of the normalized answer."""
    return [stem(w) for w in normalize_answer(text).split()]
