"""MM-Relevance proxy: caption/turn cosine."""

import pytest
from _text_fakes import TableEmbed

from memobench.scoring.text import mean_mm_relevance, mm_relevance, mm_relevance_many

EMB = TableEmbed(
    {
        "turn": [3.0, 4.0],  # unnormalised; cos with [4, 3] = 24/25
        "near": [4.0, 3.0],
        "ortho": [-4.0, 3.0],
        "opposite": [-3.0, -4.0],
    }
)


def test_cosine_values():
    assert mm_relevance("turn", "near", EMB) == pytest.approx(24 / 25)
    assert mm_relevance("turn", "ortho", EMB) == pytest.approx(0.0)
    assert mm_relevance("turn", "opposite", EMB) == pytest.approx(-1.0)


def test_many_batches_and_handles_empty():
    emb = TableEmbed(EMB.table)
    scores = mm_relevance_many(["turn", "", "turn"], ["near", "near", "opposite"], emb)
    assert scores == pytest.approx([24 / 25, 0.0, -1.0])
    assert len(emb.calls) == 2  # one batch for turns, one for captions
    assert mean_mm_relevance(["turn", "turn"], ["near", "opposite"], EMB) == pytest.approx(
        (24 / 25 - 1) / 2
    )
    assert mean_mm_relevance([], [], EMB) is None
    with pytest.raises(ValueError):
        mm_relevance_many(["turn"], [], EMB)


def test_minilm_related_caption_scores_higher(minilm):
    turn = "Here's a photo of the sunset I painted by the lake last weekend!"
    related = "a painting of a sunset over a lake"
    unrelated = "a plate of spaghetti on a kitchen table"
    assert mm_relevance(turn, related, minilm) > mm_relevance(turn, unrelated, minilm) + 0.2
