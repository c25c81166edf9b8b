"""ROUGE pinned against hand-computed n-gram / LCS overlaps."""

import pytest

from memobench.scoring.text import mean_rouge, rouge_scores, rouge_scores_multi


def test_same_length_substitution():
    # pred: the cat sat on the mat (6)   ref: the cat was on the mat (6)
    # unigrams: the x2, cat, on, mat match -> 5/6 both ways.
    # bigrams pred: the-cat cat-sat sat-on on-the the-mat; ref: the-cat cat-was was-on on-the
    #   the-mat -> matches the-cat, on-the, the-mat = 3/5.
    # LCS: the cat on the mat = 5 -> 5/6.
    s = rouge_scores("the cat sat on the mat", "the cat was on the mat")
    assert s["rouge1"] == pytest.approx(5 / 6)
    assert s["rouge2"] == pytest.approx(3 / 5)
    assert s["rougeL"] == pytest.approx(5 / 6)
    assert s["rouge2_precision"] == pytest.approx(3 / 5)
    assert s["rouge2_recall"] == pytest.approx(3 / 5)


def test_precision_recall_asymmetry():
    # pred: the cat sat (3)  ref: the cat sat on the mat (6)
    # R1: overlap 3 -> P = 3/3, R = 3/6, F = 2*1*.5/1.5 = 2/3
    # R2: pred bigrams the-cat, cat-sat both in ref (5 bigrams) -> P = 1, R = 2/5, F = 4/7
    # RL: LCS 3 -> same as R1.
    s = rouge_scores("The cat sat.", "the cat sat on the mat")
    assert (s["rouge1_precision"], s["rouge1_recall"]) == pytest.approx((1.0, 0.5))
    assert s["rouge1"] == pytest.approx(2 / 3)
    assert (s["rouge2_precision"], s["rouge2_recall"]) == pytest.approx((1.0, 0.4))
    assert s["rouge2"] == pytest.approx(4 / 7)
    assert s["rougeL"] == pytest.approx(2 / 3)


def test_lcs_is_order_sensitive_but_rouge1_is_not():
    # pred: d c b a   ref: a b c d  -> unigrams 4/4, no common bigram, LCS length 1 -> 1/4.
    s = rouge_scores("d c b a", "a b c d")
    assert s["rouge1"] == pytest.approx(1.0)
    assert s["rouge2"] == 0.0
    assert s["rougeL"] == pytest.approx(0.25)


def test_lcs_with_gaps():
    # pred: a b c d (4)  ref: a x c y d (5) -> LCS a c d = 3: P = 3/4, R = 3/5, F = 2/3.
    s = rouge_scores("a b c d", "a x c y d")
    assert (s["rougeL_precision"], s["rougeL_recall"]) == pytest.approx((0.75, 0.6))
    assert s["rougeL"] == pytest.approx(2 / 3)


def test_porter_stemming_applies():
    # running -> run, dogs -> dog (tokens longer than 3 chars are stemmed).
    assert rouge_scores("running dogs", "run dog")["rouge1"] == pytest.approx(1.0)


def test_empty_sides_score_zero():
    assert rouge_scores("", "the cat")["rouge1"] == 0.0
    assert rouge_scores("the cat", "")["rougeL"] == 0.0


def test_multi_reference_takes_best_per_type():
    refs = ["completely different words", "the cat sat on the mat"]
    assert rouge_scores_multi("the cat sat on the mat", refs)["rouge2"] == pytest.approx(1.0)
    assert rouge_scores_multi("x", [])["rouge1"] == 0.0


def test_mean_rouge():
    m = mean_rouge([("a b", "a b"), ("a b", "c d")])
    assert m["rouge1"] == pytest.approx(0.5)
    assert mean_rouge([]) == {}
