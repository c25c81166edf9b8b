"""Run result records: ``results.json`` and ``samples.jsonl``."""

from typing import Any

from ._aggregate import aggregate_task
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
    RESULTS_SCHEMA_VERSION,
    SAMPLE_SCHEMA_VERSION,
    AgentRef,
    DatasetRef,
    MetricValue,
    PhaseUsageReport,
    RunResults,
    RunSpec,
    SampleRecord,
    TaskResult,
)


def qa_table(result: TaskResult) -> Any:
    """The QA results as a rich table (rich is imported only when a table is drawn)."""
    from ._table import qa_table as draw

    return draw(result)


__all__ = [
    "RESULTS_SCHEMA_VERSION",
    "SAMPLE_SCHEMA_VERSION",
    "AgentRef",
    "DatasetRef",
    "MetricValue",
    "PhaseUsageReport",
    "RunResults",
    "RunSpec",
    "SampleRecord",
    "TaskMetrics",
    "TaskResult",
    "aggregate",
    "aggregate_task",
    "base_score_key",
    "item_scores",
    "load_samples",
    "qa_table",
    "recompute_task_metrics",
    "task_samples",
]
