"""``leaderboard.json``: merged, comparable runs. These models are the source of truth."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .._util.provenance import Provenance
from ..results import (
    AgentRef,
    AnswerLatency,
    FailureTaxonomy,
    MetricValue,
    PhaseUsageReport,
    RetrievalGuards,
)
from ..stats import PairedMethod, PairedResult

LEADERBOARD_SCHEMA_VERSION = 1

_FROZEN = ConfigDict(frozen=True)

#: Row flags set when a run deviates from the majority of the leaderboard.
FLAG_DIFFERENT_READER = "different_reader"
FLAG_DIFFERENT_PROMPT = "different_prompt"


class DatasetInfo(BaseModel):
    """The one dataset every merged run used."""

    model_config = _FROZEN
    name: str
    """Registry name or file stem."""
    sha256: str
    """sha256 of the data file (identical in every run)."""


class TaskInfo(BaseModel):
    """A task's definition, identical in every run that has it."""

    model_config = _FROZEN
    version: str
    """Task version."""
    scoring_version: str
    """Scoring code version."""
    main_metric: str
    """Headline metric key (ranking, derived columns and paired tests use it)."""


class TaskScores(BaseModel):
    """One entry's scores on one task, copied from its ``results.json``, plus derived columns."""

    model_config = _FROZEN
    main_metric: str
    """Headline metric key."""
    metrics: dict[str, MetricValue]
    """Metric key → aggregate with CI."""
    by_category: dict[str, dict[str, MetricValue]] = Field(default_factory=dict)
    """Category (LoCoMo number as text) → metric key → aggregate with CI."""
    memory_gain: float | None = None
    """Main metric minus the ``no-memory`` entry's; None without such an entry."""
    gap_to_oracle: float | None = None
    """The ``oracle`` entry's main metric minus this one; None without such an entry."""
    answer_length: dict[str, float | None] = Field(default_factory=dict)
    """Mean words per prediction and per gold answer (QA): length drives judged scores."""
    failure_taxonomy: FailureTaxonomy | None = None
    """Why QA items were lost (agents that return retrieved ids), from ``results.json``."""
    retrieval_guards: RetrievalGuards | None = None
    """Retrieval-bypass checks (QA, agents that return retrieved ids), from ``results.json``."""
    answer_latency: AnswerLatency | None = None
    """Per-question answer latency (QA), from ``results.json``."""


class JudgeInfo(BaseModel):
    """A judge whose scores an entry carries, and how often it accepts wrong answers."""

    model_config = _FROZEN
    mode: str
    """``strict`` or ``lenient``."""
    model: str
    """Judge model spec."""
    prompt_sha256: str
    """sha256 of the judge prompt."""
    k: int = 1
    """Judgments per answer."""
    n_errors: int = 0
    """Answers the judge could not label (left out, never counted correct)."""
    fpr: float | None = None
    """False-positive rate on the calibration decoys (None: not calibrated)."""
    tpr: float | None = None
    """True-positive rate on the calibration decoys."""


class LeaderboardEntry(BaseModel):
    """One run as a leaderboard row."""

    model_config = _FROZEN
    rank: int
    """1-based position by the primary task's main metric (higher is better)."""
    label: str
    """Display name: the agent name, suffixed with the config hash when names repeat."""
    run_path: str
    """The run directory relative to the leaderboard file (``verify`` reads it)."""
    run_id: str
    """Unique run id."""
    config_hash: str
    """Short sha256 of the run spec."""
    agent: AgentRef
    """Agent name, version and config."""
    reader_model: str | None = None
    """The ``reader`` model spec."""
    models: dict[str, str] = Field(default_factory=dict)
    """Other model roles (embedder, judge, ...) → model spec."""
    prompt_hashes: dict[str, str] = Field(default_factory=dict)
    """Prompt file → sha256."""
    seed: int = 0
    """The run's seed (its CIs use it)."""
    provenance: Provenance
    """Code and environment identity of the run."""
    tasks: dict[str, TaskScores]
    """Task name → scores."""
    usage: dict[str, PhaseUsageReport] = Field(default_factory=dict)
    """Usage per phase plus ``total``."""
    n_questions: int = 0
    """Questions answered (items of the ``qa`` main metric, else of the primary task)."""
    cost_usd: float | None = None
    """Total dollars; None when any model's price is unknown."""
    cost_per_100_questions: float | None = None
    """``cost_usd * 100 / n_questions``; None when the cost is unknown."""
    smoke_test: bool = False
    """Made with the embedded toy model: not a reportable number."""
    flags: list[str] = Field(default_factory=list)
    """Deviations from the majority: ``different_reader``, ``different_prompt``."""
    judges: dict[str, JudgeInfo] = Field(default_factory=dict)
    """QA judges (key = score name such as ``judge_strict``) with calibration, when attached."""


class Comparison(BaseModel):
    """A paired test of two entries on one task's main metric (``a`` ranks above ``b``)."""

    model_config = _FROZEN
    task: str
    """Task name."""
    metric: str
    """Metric key compared (the task's main metric)."""
    run_a: str
    """Run id of the first entry."""
    run_b: str
    """Run id of the second entry."""
    label_a: str
    """Label of the first entry."""
    label_b: str
    """Label of the second entry."""
    result: PairedResult
    """``a - b`` with CI and p-value on the shared items."""


class Leaderboard(BaseModel):
    """``leaderboard.json``."""

    model_config = _FROZEN
    schema_version: int = LEADERBOARD_SCHEMA_VERSION
    """Version of this file format."""
    memobench_version: str
    """memobench version that built it."""
    created_at: str
    """Build time (UTC, ISO 8601)."""
    seed: int = 0
    """Seed of the paired tests."""
    comparison_method: PairedMethod = "permutation"
    """How paired-test p-values were computed."""
    n_resamples: int = 5000
    """Resamples of each paired test."""
    dataset: DatasetInfo
    """The dataset."""
    tasks: dict[str, TaskInfo]
    """Task name → definition."""
    primary_task: str
    """The task that ranks the entries (``qa`` when present)."""
    majority_reader: str | None = None
    """The most common reader model; rows with another get ``different_reader``."""
    majority_prompt_hashes: dict[str, str] = Field(default_factory=dict)
    """The most common prompt hashes; rows with others get ``different_prompt``."""
    entries: list[LeaderboardEntry]
    """Rows, best first."""
    comparisons: list[Comparison] = Field(default_factory=list)
    calibrations: list[str] = Field(default_factory=list)
    """Judge calibration reports used for the FPR columns (paths relative to this file)."""
    """Paired tests between every two entries, per task."""
