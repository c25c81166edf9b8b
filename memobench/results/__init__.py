"""Run result records: ``results.json`` and ``samples.jsonl``."""

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
    "recompute_task_metrics",
    "task_samples",
]
