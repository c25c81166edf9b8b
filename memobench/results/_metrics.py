"""Aggregate ``samples.jsonl`` into task metrics: the one definition shared by runs and verify.

Rules (so that ``results.json`` can always be recomputed from the samples):

- A metric key ``K`` is the mean of the per-item score ``scores[K]``.
- A key ``K_catA_B`` (e.g. ``f1_cat1_4``) is the mean of ``scores[K]`` over items whose
  ``category`` is in ``A..B``.
- A score that is ``None`` or absent means "not applicable" (e.g. evidence recall of an item
  without evidence) and the item is left out of that metric. Scorers write ``0`` for missing
  predictions, so those items count; ``n_missing`` reports how many of them there are.
- ``by_category[str(c)][K]`` is the same over the items of category ``c``.
- CIs are :func:`memobench.stats.clustered_bootstrap_ci` over conversations with the run seed.
- When an item id appears twice for a task (a resumed run), the last line wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .._util import read_jsonl
from ._schema import MetricValue, SampleRecord

_CAT_RANGE = re.compile(r"^(?P<base>.+)_cat(?P<lo>\d+)_(?P<hi>\d+)$")

#: Derived metric keys added by default when their base score is present (LoCoMo convention).
DEFAULT_DERIVED: Mapping[str, tuple[str, ...]] = {"qa": ("f1_cat1_4",)}


class TaskMetrics(BaseModel):
    """Metrics recomputed from samples for one task."""

    model_config = ConfigDict(frozen=True)
    task: str
    """Task name."""
    metrics: dict[str, MetricValue]
    """Metric key → aggregate, like ``TaskResult.metrics``."""
    by_category: dict[str, dict[str, MetricValue]] = Field(default_factory=dict)
    """Category (as text) → metric key → aggregate, like ``TaskResult.by_category``."""


def base_score_key(metric: str) -> str:
    """The per-item score a metric key aggregates (``f1_cat1_4`` → ``f1``)."""
    m = _CAT_RANGE.match(metric)
    return m.group("base") if m else metric


def _item_filter(metric: str) -> Callable[[SampleRecord], bool]:
    m = _CAT_RANGE.match(metric)
    if not m:
        return lambda _s: True
    lo, hi = int(m.group("lo")), int(m.group("hi"))
    return lambda s: s.category is not None and lo <= s.category <= hi


def _as_records(samples: Iterable[SampleRecord | Mapping[str, Any]]) -> list[SampleRecord]:
    return [s if isinstance(s, SampleRecord) else SampleRecord.model_validate(s) for s in samples]


def task_samples(
    samples: Iterable[SampleRecord | Mapping[str, Any]], task: str
) -> list[SampleRecord]:
    """The records of one task, de-duplicated by item id (last line wins), in file order."""
    latest: dict[str, SampleRecord] = {}
    for rec in _as_records(samples):
        if rec.task == task:
            latest.pop(rec.item_id, None)  # re-insert so a redone item takes its final position
            latest[rec.item_id] = rec
    return list(latest.values())


def item_scores(
    samples: Iterable[SampleRecord | Mapping[str, Any]], task: str, metric: str
) -> tuple[dict[str, float], dict[str, str]]:
    """Per-item values of ``metric`` and item → conversation, for paired tests."""
    key, keep = base_score_key(metric), _item_filter(metric)
    values: dict[str, float] = {}
    clusters: dict[str, str] = {}
    for rec in task_samples(samples, task):
        score = rec.scores.get(key)
        if score is not None and keep(rec):
            values[rec.item_id] = float(score)
            clusters[rec.item_id] = rec.conversation_id
    return values, clusters


def aggregate(
    records: Iterable[SampleRecord],
    metric: str,
    *,
    seed: int = 0,
    n_boot: int = 2000,
    alpha: float = 0.05,
) -> MetricValue:
    """Mean of ``metric`` over ``records`` with its conversation-clustered bootstrap CI."""
    key, keep = base_score_key(metric), _item_filter(metric)
    used = [r for r in records if keep(r) and r.scores.get(key) is not None]
    if not used:
        return MetricValue(value=None)
    values = [float(r.scores[key]) for r in used]  # type: ignore[arg-type]
    clusters = [r.conversation_id for r in used]
    low: float | None = None
    high: float | None = None
    # One conversation says nothing about between-conversation variance: a zero-width
    # "CI" would look like certainty, so none is reported.
    if len(set(clusters)) >= 2:
        from ..stats import clustered_bootstrap_ci  # numpy: only when a CI is computed

        low, high = clustered_bootstrap_ci(values, clusters, n_boot=n_boot, alpha=alpha, seed=seed)
    return MetricValue(
        value=sum(values) / len(values),
        ci_low=low,
        ci_high=high,
        n=len(used),
        n_clusters=len(set(clusters)),
        n_missing=sum(r.prediction is None for r in used),
    )


def recompute_task_metrics(
    samples: Iterable[SampleRecord | Mapping[str, Any]],
    task: str,
    seed: int = 0,
    *,
    metrics: Iterable[str] | None = None,
    n_boot: int = 2000,
    alpha: float = 0.05,
) -> TaskMetrics:
    """Aggregate the samples of ``task`` into ``metrics`` and ``by_category`` (rules above).

    ``metrics`` defaults to every per-item score key seen plus :data:`DEFAULT_DERIVED`;
    ``by_category`` always holds every score key seen in each category.
    """
    records = task_samples(samples, task)
    score_keys = sorted({k for r in records for k, v in r.scores.items() if v is not None})
    if metrics is None:
        derived = [m for m in DEFAULT_DERIVED.get(task, ()) if base_score_key(m) in score_keys]
        metrics = [*score_keys, *derived]
    opts: dict[str, Any] = {"seed": seed, "n_boot": n_boot, "alpha": alpha}
    out = {m: aggregate(records, m, **opts) for m in metrics}
    by_category: dict[str, dict[str, MetricValue]] = {}
    for cat in sorted({r.category for r in records if r.category is not None}):
        in_cat = [r for r in records if r.category == cat]
        keys = sorted({k for r in in_cat for k, v in r.scores.items() if v is not None})
        by_category[str(cat)] = {k: aggregate(in_cat, k, **opts) for k in keys}
    return TaskMetrics(task=task, metrics=out, by_category=by_category)


def load_samples(path: str | Path) -> list[SampleRecord]:
    """Read ``samples.jsonl`` (a run dir or the file itself) into records."""
    path = Path(path)
    if path.is_dir():
        path = path / "samples.jsonl"
    return [SampleRecord.model_validate(obj) for obj in read_jsonl(path)]
