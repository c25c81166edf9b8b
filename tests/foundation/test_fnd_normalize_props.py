"""Property tests for normalization and token F1."""

from __future__ import annotations

import string

from _fnd_reference import ref_normalize
from hypothesis import given, settings
from hypothesis import strategies as st

from memobench.scoring import f1_score, normalize_answer

_PIECES = [
    "a",
    "an",
    "the",
    "and",
    "A",
    "The",
    "AND",
    "An",
    "Apple",
    "band",
    "dad's",
    "rock-and-roll",
    "9:30",
    "August,2023",
    ",",
    ".",
    "!",
    "'",
    "-",
    " ",
    "  ",
    "\t",
    "\n",
    "x",
    "É",
    "ß",
    "İ",
    "ǅ",
]
texts = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(_PIECES), max_size=12).map("".join),
    st.text(alphabet=string.printable, max_size=40),
)
ARTICLES = {"a", "an", "the", "and"}


@settings(max_examples=300, deadline=None)
@given(texts)
def test_normalize_properties(text: str) -> None:
    out = normalize_answer(text)
    assert normalize_answer(out) == out  # idempotent
    assert not any(c in string.ascii_uppercase for c in out)
    assert not any(c in string.punctuation for c in out)
    assert "  " not in out
    assert out == out.strip()
    assert not (set(out.split(" ")) & ARTICLES)
    assert out == ref_normalize(text)


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_f1_symmetric_and_bounded(a: str, b: str) -> None:
    ab, ba = f1_score(a, b), f1_score(b, a)
    assert ab == ba
    assert 0.0 <= ab <= 1.0


@settings(max_examples=200, deadline=None)
@given(texts)
def test_f1_self_is_one_iff_a_token_survives(text: str) -> None:
    expected = 1.0 if normalize_answer(text) else 0.0
    assert f1_score(text, text) == expected
