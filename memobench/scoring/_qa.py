"""Score QA predictions against a dataset into per-item ``SampleRecord``s.

Per-item scores are stored so that every aggregate is a plain mean of one key over the items
where it is not None (``aggregate_samples``); that is what makes rescoring and
``leaderboard verify`` exact.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..data import Conversation, QACategory, QAItem
from ..results import SampleRecord
from ._abstention import abstention_scores
from ._locomo_qa import official_recall, recall_at_k, score_qa

#: Version of the QA scoring rules; bump when any per-item number can change.
QA_SCORING_VERSION = "locomo-1"
RECALL_KS = (5, 10, 25, 50)


@dataclass(frozen=True)
class Prediction:
    """What a system answered for one question."""

    text: str
    """The answer."""
    retrieved: tuple[str, ...] | None = None
    """Retrieved turn ids (``D1:3``) or session ids (``S1``), in rank order."""
    extra: Mapping[str, object] = field(default_factory=dict)
    """Kept in the sample record as is."""


_MEMO: dict[tuple[object, ...], SampleRecord] = {}
_MEMO_LOCK = threading.Lock()


def _memo_key(
    conv: Conversation, qa: QAItem, pred: Prediction | None, secondary: bool
) -> tuple[object, ...]:
    text, retrieved = (pred.text, pred.retrieved) if pred is not None else (None, None)
    return (
        conv.sample_id,
        qa.qa_id,
        qa.answer,
        qa.evidence_raw,
        qa.evidence,
        text,
        retrieved,
        secondary,
    )


def prescore(conv: Conversation, qa: QAItem, pred: Prediction) -> None:
    """Score an answer as soon as it arrives (the runner calls this while it waits on the
    model), so the final scoring pass finds the work done. Pure memoisation: scores are
    identical, and rescoring in a new process recomputes everything."""
    _memoised(conv, qa, pred, True)


def _memoised(
    conv: Conversation, qa: QAItem, pred: Prediction | None, secondary: bool
) -> tuple[SampleRecord, bool]:
    """The memo's own record for this answer (never hand it out) and whether it was there."""
    key = _memo_key(conv, qa, pred, secondary)
    with _MEMO_LOCK:
        hit = _MEMO.get(key)
    if hit is not None:
        return hit, True
    record = _score_item(conv, qa, pred, secondary=secondary)
    with _MEMO_LOCK:
        if len(_MEMO) > 100_000:
            _MEMO.clear()
        _MEMO[key] = record
    return record, False


def score_item(
    conv: Conversation, qa: QAItem, pred: Prediction | None, *, secondary: bool = True
) -> SampleRecord:
    """Score one question. A missing prediction scores 0 (and is marked missing).

    The caller owns the record it gets (a copy of the memo's: records are mutable)."""
    record, hit = _memoised(conv, qa, pred, secondary)
    if hit:
        extra = dict(pred.extra) if pred is not None else {}
        return record.model_copy(update={"extra": extra})
    return record.model_copy()


def _score_item(
    conv: Conversation, qa: QAItem, pred: Prediction | None, *, secondary: bool = True
) -> SampleRecord:
    cat = int(qa.category)
    text = pred.text if pred is not None else None
    scores: dict[str, float | None] = {}
    f1 = score_qa(text, qa.answer, qa.category) if text is not None else 0.0
    scores["f1"] = f1
    scores["missing"] = 1.0 if pred is None else 0.0
    # Abstention in both directions, so "answer 'not mentioned' everywhere" cannot win.
    scores.update(abstention_scores(text, cat))
    if pred is not None and pred.retrieved is not None:
        per_q = official_recall(list(pred.retrieved), qa.evidence_raw)
        scores["recall_official"] = per_q
        # The official aggregate divides by all questions but only sums those with evidence.
        scores["recall"] = per_q if qa.evidence_raw else 0.0
        for k in RECALL_KS:
            scores[f"recall@{k}"] = recall_at_k(list(pred.retrieved), qa.evidence, k)
    if secondary and text is not None and cat != QACategory.ADVERSARIAL and qa.answer is not None:
        from .text._bleu import bleu_scores
        from .text._rouge import rouge_scores

        gold = qa.answer
        scores["bleu1"] = bleu_scores(text, gold, which=("bleu1",))["bleu1"]
        scores["rougeL"] = rouge_scores(text, gold, types=("rougeL",))["rougeL"]
    return SampleRecord(
        task="qa",
        item_id=qa.qa_id,
        conversation_id=conv.sample_id,
        category=cat,
        prediction=text,
        retrieved=list(pred.retrieved) if pred is not None and pred.retrieved is not None else None,
        scores=scores,
        extra=dict(pred.extra) if pred is not None else {},
    )


def score_predictions(
    conversations: Sequence[Conversation],
    predictions: Mapping[str, Prediction],
    *,
    secondary: bool = True,
) -> list[SampleRecord]:
    """Score every question of ``conversations``; questions without a prediction score 0."""
    return [
        score_item(conv, qa, predictions.get(qa.qa_id), secondary=secondary)
        for conv in conversations
        for qa in conv.qa
    ]
