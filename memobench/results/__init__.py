"""Run result records: ``results.json`` and ``samples.jsonl``."""

from typing import Any

from ._aggregate import aggregate_task, answer_latency, qa_diagnostics
from ._guards import (
    FLAG_CONTEXT_SHARE,
    FLAG_NO_IDS,
    FLAG_TOP_K_SESSIONS,
    MAX_CONTEXT_SHARE,
    context_share,
    conversation_sizes,
    guard_warnings,
    retrieval_guards,
)
from ._metrics import (
    TaskMetrics,
    aggregate,
    base_score_key,
    item_scores,
    load_samples,
    recompute_task_metrics,
    task_samples,
)
from ._schema import (
    DIAGNOSTIC_KEYS,
    RESULTS_SCHEMA_VERSION,
    SAMPLE_SCHEMA_VERSION,
    AgentRef,
    AnswerLatency,
    DatasetRef,
    FailureTaxonomy,
    MetricValue,
    PhaseUsageReport,
    RetrievalGuards,
    RunResults,
    RunSpec,
    SampleRecord,
    TaskResult,
)
from ._taxonomy import TAXONOMY_LABELS, classify, correctness_key, failure_taxonomy


def qa_table(result: TaskResult) -> Any:
    """The QA results as rich renderables: the score table, the failure taxonomy (agents that
    return retrieved items) and retrieval-bypass warnings (rich is imported only here)."""
    from ._table import qa_summary

    return qa_summary(result)


__all__ = [
    "DIAGNOSTIC_KEYS",
    "FLAG_CONTEXT_SHARE",
    "FLAG_NO_IDS",
    "FLAG_TOP_K_SESSIONS",
    "MAX_CONTEXT_SHARE",
    "RESULTS_SCHEMA_VERSION",
    "SAMPLE_SCHEMA_VERSION",
    "TAXONOMY_LABELS",
    "AgentRef",
    "AnswerLatency",
    "DatasetRef",
    "FailureTaxonomy",
    "MetricValue",
    "PhaseUsageReport",
    "RetrievalGuards",
    "RunResults",
    "RunSpec",
    "SampleRecord",
    "TaskMetrics",
    "TaskResult",
    "aggregate",
    "aggregate_task",
    "answer_latency",
    "base_score_key",
    "classify",
    "context_share",
    "conversation_sizes",
    "correctness_key",
    "failure_taxonomy",
    "guard_warnings",
    "item_scores",
    "load_samples",
    "qa_diagnostics",
    "qa_table",
    "recompute_task_metrics",
    "retrieval_guards",
    "task_samples",
]
