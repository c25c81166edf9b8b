"""Failure taxonomy: why a QA item of a retrieving agent was lost (a pure function of samples).

Each QA sample whose agent returned retrieved items gets one label:

- ``correct``: answered right;
- ``false_abstention``: abstained on an answerable question;
- ``missed_abstention``: answered an unanswerable (category 5) question instead of abstaining;
- ``not_scorable``: no gold evidence to check retrieval against (or no correctness score);
- ``retrieval_miss``: wrong, and no gold evidence turn was retrieved;
- ``reader_miss``: wrong although gold evidence was retrieved.

"Right" is the first LLM-judge score present (``judge_*``, >= 0.5), else token F1 >= 0.5; the
key used is reported so a reader knows which. Retrieval is judged from the gold evidence ids
when given, else from the sample's ``recall`` score (None means no gold evidence).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

TAXONOMY_LABELS = (
    "correct",
    "retrieval_miss",
    "reader_miss",
    "false_abstention",
    "missed_abstention",
    "not_scorable",
)
#: Threshold on the correctness score (judge scores are 0/1 or a mean over k judgments).
CORRECT_AT = 0.5
UNANSWERABLE_CATEGORY = 5


def _get(s: Any, name: str) -> Any:
    return s.get(name) if isinstance(s, Mapping) else getattr(s, name)


def correctness_key(samples: Iterable[Any]) -> str:
    """The score that decides right/wrong: the first judge key any QA sample has, else ``f1``."""
    keys = sorted({k for s in samples if _get(s, "task") == "qa" for k in _get(s, "scores")})
    judged = [k for k in keys if k.startswith("judge_")]
    return judged[0] if judged else "f1"


def classify(sample: Any, *, key: str = "f1", evidence: Sequence[str] | None = None) -> str | None:
    """The label of one sample, or None when it is not in scope (not QA, nothing retrieved)."""
    retrieved = _get(sample, "retrieved")
    if _get(sample, "task") != "qa" or retrieved is None:
        return None
    scores = _get(sample, "scores")
    if _get(sample, "category") == UNANSWERABLE_CATEGORY:
        ok = scores.get("abstain_on_unanswerable")
        if ok is None:
            return "not_scorable"
        return "correct" if ok >= CORRECT_AT else "missed_abstention"
    if scores.get("false_abstention") == 1.0:
        return "false_abstention"
    value = scores.get(key)
    if value is None:
        return "not_scorable"
    if value >= CORRECT_AT:
        return "correct"
    if evidence is not None:
        if not evidence:
            return "not_scorable"
        hit = bool(set(evidence) & set(retrieved))
    else:
        recall = scores.get("recall")
        if recall is None:
            return "not_scorable"
        hit = recall > 0
    return "reader_miss" if hit else "retrieval_miss"


def failure_taxonomy(
    samples: Iterable[Any],
    *,
    key: str | None = None,
    evidence: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Counts per label, overall and per category; ``{"key": ..., "n": 0}`` when out of scope.

    ``evidence`` maps item id → gold evidence ids (when omitted, each sample's ``recall``
    score stands in). Samples may be ``SampleRecord`` objects or their JSON dicts.
    """
    samples = list(samples)
    key = key or correctness_key(samples)
    overall = dict.fromkeys(TAXONOMY_LABELS, 0)
    per_cat: dict[str, dict[str, int]] = {}
    n = 0
    for s in samples:
        ev = None if evidence is None else evidence.get(_get(s, "item_id"), ())
        label = classify(s, key=key, evidence=ev)
        if label is None:
            continue
        n += 1
        overall[label] += 1
        cat = str(_get(s, "category"))
        per_cat.setdefault(cat, dict.fromkeys(TAXONOMY_LABELS, 0))[label] += 1
    return {"key": key, "n": n, "overall": overall, "per_category": dict(sorted(per_cat.items()))}
