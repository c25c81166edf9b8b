"""Answer-length statistics: judged scores reward verbosity, so length is always reported."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..results import SampleRecord


def _words(text: object) -> int:
    return len(str(text).split())


def length_stats(
    samples: Iterable[SampleRecord], gold: Mapping[str, str | None]
) -> dict[str, float | int | None]:
    """Mean words of predictions vs gold over QA items that have both, plus their ratio."""
    pairs = [
        (_words(s.prediction), _words(gold[s.item_id]))
        for s in samples
        if s.task == "qa" and s.prediction is not None and gold.get(s.item_id) is not None
    ]
    if not pairs:
        return {"n": 0, "mean_prediction_words": None, "mean_gold_words": None, "ratio": None}
    mp = sum(p for p, _ in pairs) / len(pairs)
    mg = sum(g for _, g in pairs) / len(pairs)
    return {
        "n": len(pairs),
        "mean_prediction_words": mp,
        "mean_gold_words": mg,
        "ratio": mp / mg if mg else None,
    }
