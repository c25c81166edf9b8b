"""From per-item scores to a ``TaskResult``.

The aggregation rules live in one place, :func:`recompute_task_metrics` (``_metrics``),
so ``results.json`` and ``memobench leaderboard verify`` can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._metrics import recompute_task_metrics
from ._schema import SampleRecord, TaskResult

DEFAULT_N_BOOT = 2000


def aggregate_task(
    samples: Sequence[SampleRecord],
    *,
    task: str,
    task_version: str,
    scoring_version: str,
    main_metric: str,
    seed: int = 0,
    n_boot: int = DEFAULT_N_BOOT,
    extra: dict[str, object] | None = None,
) -> TaskResult:
    """Aggregate every score key overall and per category (conversation-clustered CIs)."""
    m = recompute_task_metrics(samples, task, seed, n_boot=n_boot)
    extra = dict(extra or {})
    # Hook (issue 12): samples whose ``extra["label"]`` the task set (a dataset's own question
    # type) are also aggregated per label, by the same rules, into ``extra["by_label"]``.
    labels = sorted({str(s.extra["label"]) for s in samples if s.extra.get("label")})
    if labels:
        extra["by_label"] = {
            lab: {
                k: v.model_dump(mode="json")
                for k, v in recompute_task_metrics(
                    [s for s in samples if s.extra.get("label") == lab], task, seed, n_boot=n_boot
                ).metrics.items()
            }
            for lab in labels
        }
    return TaskResult(
        task=task,
        task_version=task_version,
        scoring_version=scoring_version,
        main_metric=main_metric,
        metrics=m.metrics,
        by_category=m.by_category,
        extra=extra,
    )
