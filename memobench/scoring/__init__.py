"""Scoring: LoCoMo-exact QA scoring, evidence recall, and (in ``scoring.text``) text metrics."""

from . import _beam as beam
from . import _locomo_plus as locomo_plus
from . import _longmemeval as longmemeval
from ._abstention import ABSTENTION_KEYS, abstention_scores, add_abstention_scores
from ._length import length_stats
from ._locomo_qa import (
    ABSTAIN_PHRASES,
    f1_score,
    gold_for_scoring,
    is_abstention,
    multi_answer_f1,
    official_recall,
    recall_at_k,
    score_qa,
)
from ._normalize import answer_tokens, normalize_answer
from ._predictions import PredictionFileError, read_predictions
from ._qa import (
    QA_SCORING_VERSION,
    RECALL_KS,
    Prediction,
    prescore,
    score_item,
    score_predictions,
)
from ._taxonomy import TAXONOMY_LABELS, classify, correctness_key, failure_taxonomy

__all__ = [
    "ABSTAIN_PHRASES",
    "ABSTENTION_KEYS",
    "QA_SCORING_VERSION",
    "RECALL_KS",
    "TAXONOMY_LABELS",
    "Prediction",
    "PredictionFileError",
    "abstention_scores",
    "add_abstention_scores",
    "answer_tokens",
    "beam",
    "classify",
    "correctness_key",
    "f1_score",
    "failure_taxonomy",
    "gold_for_scoring",
    "is_abstention",
    "length_stats",
    "locomo_plus",
    "longmemeval",
    "multi_answer_f1",
    "normalize_answer",
    "official_recall",
    "prescore",
    "read_predictions",
    "recall_at_k",
    "score_item",
    "score_predictions",
    "score_qa",
]
