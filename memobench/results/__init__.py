"""Run result records: ``results.json`` and ``samples.jsonl``."""

from ._aggregate import aggregate_task
from ._jsonschema import render_schemas, write_schemas
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
    "TaskResult",
    "aggregate_task",
    "render_schemas",
    "write_schemas",
]
