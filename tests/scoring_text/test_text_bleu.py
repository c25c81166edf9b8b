"""BLEU-1/2 pinned against hand-computed clipped precisions and brevity penalties."""

import math

import pytest

from memobench.scoring.text import bleu_scores, bleu_tokenize, corpus_bleu_scores


def test_tokenizer_rule():
    assert bleu_tokenize("Don't stop, Sarah's CAT!") == [
        "don't",
        "stop",
        ",",
        "sarah's",
        "cat",
        "!",
    ]
    assert bleu_tokenize("   ") == []


def test_short_prediction_brevity_penalty():
    # pred: the cat sat on the mat (c=6)   ref: the cat is on the mat today (r=7)
    # p1: the(2, clipped 2) cat on mat -> 5/6
    # p2: pred bigrams the-cat cat-sat sat-on on-the the-mat (5);
    #     matches the-cat on-the the-mat -> 3/5
    # BP = exp(1 - r/c) = exp(1 - 7/6)
    bp = math.exp(1 - 7 / 6)
    s = bleu_scores("the cat sat on the mat", "The cat is on the mat today")
    assert s["bleu1"] == pytest.approx(bp * 5 / 6)
    assert s["bleu2"] == pytest.approx(bp * math.sqrt(5 / 6 * 3 / 5))


def test_long_prediction_no_brevity_penalty():
    # pred (c=7): the cat sat on the mat today   ref (r=5): the cat on the mat -> BP = 1
    # p1: the x2, cat, on, mat = 5/7; p2: the-cat on-the the-mat = 3 of 6 bigrams
    s = bleu_scores("the cat sat on the mat today", "the cat on the mat")
    assert s["bleu1"] == pytest.approx(5 / 7)
    assert s["bleu2"] == pytest.approx(math.sqrt(5 / 7 * 3 / 6))


def test_method1_smoothing_on_zero_bigrams():
    # pred: cat the   ref: the cat -> p1 = 2/2, no bigram match: method1 gives (0 + 0.1) / 1.
    s = bleu_scores("cat the", "the cat")
    assert s["bleu1"] == pytest.approx(1.0)
    assert s["bleu2"] == pytest.approx(math.sqrt(0.1))


def test_punctuation_is_a_token():
    # pred: hi ! (2)  ref: hi . (2) -> p1 = 1/2, p2 = 0 -> 0.1/1; BP = 1
    s = bleu_scores("hi!", "hi.")
    assert s["bleu1"] == pytest.approx(0.5)
    assert s["bleu2"] == pytest.approx(math.sqrt(0.5 * 0.1))


def test_multi_reference_clips_per_reference_and_closest_length():
    # refs: "the dog" (2), "a cat sat" (3); pred "a cat" (2): p1 = 2/2 (both in ref 2),
    # closest ref length is 2 -> BP = 1; bigram a-cat matches ref 2 -> p2 = 1.
    assert bleu_scores("a cat", ["the dog", "a cat sat"]) == pytest.approx(
        {"bleu1": 1.0, "bleu2": 1.0}
    )


def test_empty_inputs_are_zero():
    assert bleu_scores("", "the cat") == {"bleu1": 0.0, "bleu2": 0.0}
    assert bleu_scores("the cat", "") == {"bleu1": 0.0, "bleu2": 0.0}
    assert bleu_scores("the cat", []) == {"bleu1": 0.0, "bleu2": 0.0}


def test_corpus_bleu_pools_counts():
    # pair 1: the cat / the cat; pair 2: a dog / the dog barks.
    # hyp length 4, ref length 5 -> BP = exp(1 - 5/4)
    # unigram matches 2 + 1 (dog) = 3/4; bigram matches 1 (the-cat) of 2 -> 1/2
    bp = math.exp(1 - 5 / 4)
    s = corpus_bleu_scores(["the cat", "a dog"], ["the cat", "the dog barks"])
    assert s["bleu1"] == pytest.approx(bp * 3 / 4)
    assert s["bleu2"] == pytest.approx(bp * math.sqrt(3 / 4 * 1 / 2))
    with pytest.raises(ValueError):
        corpus_bleu_scores(["a"], [])
    assert corpus_bleu_scores([""], ["x"]) == {"bleu1": 0.0, "bleu2": 0.0}
