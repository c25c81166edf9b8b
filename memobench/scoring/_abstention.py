"""Abstention scored in both directions, as per-item score keys the generic aggregation averages.

- ``abstained``: 1 if the prediction abstains (LoCoMo's phrases), on every item;
- ``abstain_on_unanswerable``: category 5 only → its mean is abstention *recall*;
- ``abstention_precision``: only on items that abstained, 1 if category 5 → its mean is the
  share of abstentions that were warranted;
- ``false_abstention``: categories 1–4 only → its mean is the false-abstention rate, which
  penalizes the "answer 'not mentioned' everywhere" strategy that games category 5.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..results import SampleRecord
from ._locomo_qa import is_abstention

ABSTENTION_KEYS = (
    "abstained",
    "abstain_on_unanswerable",
    "abstention_precision",
    "false_abstention",
)


def abstention_scores(prediction: str | None, category: int | None) -> dict[str, float | None]:
    """The four abstention keys of one item (None = not applicable to this item)."""
    # A missing prediction is not an abstention: the agent said nothing, it did not decline.
    abstained = prediction is not None and is_abstention(prediction)
    a = 1.0 if abstained else 0.0
    return {
        "abstained": a,
        "abstain_on_unanswerable": a if category == 5 else None,
        "abstention_precision": (1.0 if category == 5 else 0.0) if abstained else None,
        "false_abstention": a if category is not None and 1 <= category <= 4 else None,
    }


def add_abstention_scores(samples: Iterable[SampleRecord]) -> list[SampleRecord]:
    """Copies of the QA samples with the abstention keys merged into ``scores``."""
    out = []
    for s in samples:
        if s.task == "qa":
            s = s.model_copy(
                update={"scores": {**s.scores, **abstention_scores(s.prediction, s.category)}}
            )
        out.append(s)
    return out
