"""From per-item scores to a ``TaskResult``.

The aggregation rules live in one place, :func:`recompute_task_metrics` (``_metrics``),
so ``results.json`` and ``memobench leaderboard verify`` can never disagree. The QA task also
records three diagnostic blocks in ``extra`` (each a pure function of recorded data, so verify
recomputes them): ``failure_taxonomy`` (from the samples), ``retrieval_guards`` (samples plus
conversation sizes) and ``answer_latency`` (the answers' ``latency_s``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..data import Conversation
from ._guards import conversation_sizes, retrieval_guards
from ._metrics import recompute_task_metrics
from ._schema import SampleRecord, TaskResult
from ._taxonomy import failure_taxonomy

DEFAULT_N_BOOT = 2000


def answer_latency(answers: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """``{"p50_s", "p95_s", "n"}`` (nearest rank) of the answers' ``latency_s``; None if none."""
    values = sorted(float(v) for a in answers if (v := a.get("latency_s")) is not None)
    if not values:
        return None

    def rank(q: float) -> float:
        return values[max(0, math.ceil(q * len(values)) - 1)]

    return {"p50_s": rank(0.5), "p95_s": rank(0.95), "n": len(values)}


def qa_diagnostics(
    samples: Sequence[SampleRecord],
    *,
    conversations: Sequence[Conversation] | None = None,
    answers: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The diagnostic blocks computable from what is given (a block that is out of scope,
    e.g. the taxonomy of an agent that returns no retrieved items, is left out)."""
    out: dict[str, Any] = {}
    tax = failure_taxonomy(samples)
    if tax["n"]:
        out["failure_taxonomy"] = tax
    if conversations is not None:
        guards = retrieval_guards(samples, conversation_sizes(conversations))
        if guards is not None:
            out["retrieval_guards"] = guards
    if answers is not None:
        latency = answer_latency(answers.values())
        if latency is not None:
            out["answer_latency"] = latency
    return out


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
    conversations: Sequence[Conversation] | None = None,
    answers: Mapping[str, Mapping[str, Any]] | None = None,
) -> TaskResult:
    """Aggregate every score key overall and per category (conversation-clustered CIs).

    For ``qa``, the diagnostic blocks computable from ``samples`` (and ``conversations`` /
    ``answers`` when given) replace those in ``extra``; the others are kept from ``extra``.
    """
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
    if task == "qa":
        extra.pop("failure_taxonomy", None)  # always recomputable: never keep a stale one
        extra.update(qa_diagnostics(samples, conversations=conversations, answers=answers))
    return TaskResult(
        task=task,
        task_version=task_version,
        scoring_version=scoring_version,
        main_metric=main_metric,
        metrics=m.metrics,
        by_category=m.by_category,
        extra=extra,
    )
