"""The run results file (``results.json``) and per-item records (``samples.jsonl``).

These pydantic models are the source of truth; ``schemas/*.schema.json`` are generated from
them (``memobench.schemas.write_schemas``) and a test fails if the committed copies drift.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .._util.hashing import short_hash
from .._util.provenance import Provenance

RESULTS_SCHEMA_VERSION = 1
SAMPLE_SCHEMA_VERSION = 1

_FROZEN = ConfigDict(frozen=True)


class MetricValue(BaseModel):
    """One aggregate number with its uncertainty."""

    model_config = _FROZEN
    value: float | None
    """The aggregate (a mean, in [0, 1] for scores); None when nothing was scored."""
    ci_low: float | None = None
    """Lower end of the 95% CI (bootstrap clustered by conversation)."""
    ci_high: float | None = None
    """Upper end of the 95% CI."""
    n: int = 0
    """Items aggregated (missing predictions count, scored 0)."""
    n_clusters: int = 0
    """Conversations the items come from."""
    n_missing: int = 0
    """Items with no prediction (scored 0, counted in ``n``)."""


class TaskResult(BaseModel):
    """The scores of one task in one run."""

    model_config = _FROZEN
    task: str
    """Task name: ``qa``, ``event_summary``, ``dialogue``."""
    task_version: str
    """Version of the task definition (prompts and item selection)."""
    scoring_version: str
    """Version of the scoring code; runs with different scoring versions are not merged."""
    main_metric: str
    """The headline metric key in ``metrics``."""
    metrics: dict[str, MetricValue]
    """Headline metrics, e.g. ``f1`` (all five categories, LoCoMo's overall), ``f1_cat1_4``."""
    by_category: dict[str, dict[str, MetricValue]] = Field(default_factory=dict)
    """Per-category metrics keyed by LoCoMo number as text (``"1"`` … ``"5"``)."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Task-specific details (answer-length statistics, options used, ...)."""


class DatasetRef(BaseModel):
    """Which data a run used."""

    model_config = _FROZEN
    name: str
    """Registry name or file stem."""
    sha256: str
    """sha256 of the data file."""
    path: str | None = None
    """Where it was read from: a registered dataset's file under the data directory, else the
    file relative to the run directory; never an absolute path of the machine (informative:
    not part of the config hash)."""
    n_conversations: int = 0
    """Conversations in the run."""


class AgentRef(BaseModel):
    """Which system was evaluated."""

    model_config = _FROZEN
    name: str
    """Registry name or ``module:Class``."""
    version: str = "0"
    """The agent's own version."""
    config: dict[str, Any] = Field(default_factory=dict)
    """Its configuration (top_k, model, ...)."""


class RunSpec(BaseModel):
    """Everything that determines a run's outputs; its hash is the config hash."""

    model_config = _FROZEN
    dataset: DatasetRef
    """The dataset."""
    agent: AgentRef
    """The agent."""
    models: dict[str, str] = Field(default_factory=dict)
    """Role → model spec (``reader``, ``embedder``, ``judge``, ...)."""
    tasks: dict[str, str] = Field(default_factory=dict)
    """Task name → task version."""
    prompt_hashes: dict[str, str] = Field(default_factory=dict)
    """Prompt file → sha256 of its text."""
    seed: int = 0
    """Seed for every random choice (category-5 option order, bootstrap)."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Run options (conversations, limit, ...)."""

    def config_hash(self) -> str:
        """The run's identity: a short sha256 of this spec less ``dataset.path`` (the data is
        identified by name and sha256, so one configuration hashes alike on every machine)."""
        return short_hash(self.model_dump(mode="json", exclude={"dataset": {"path"}}))

    def legacy_config_hash(self) -> str:
        """The config hash as runs recorded it before ``dataset.path`` left it (wave 2, stop
        6): a run directory under it resumes when its spec hashes like ours now."""
        return short_hash(self.model_dump(mode="json"))


class PhaseUsageReport(BaseModel):
    """Model usage of one phase (or of the whole run)."""

    model_config = _FROZEN
    calls: int = 0
    """Model calls made (cache hits excluded)."""
    cache_hits: int = 0
    """Calls answered by memobench's cache."""
    prompt_tokens: int = 0
    """Tokens in."""
    completion_tokens: int = 0
    """Tokens out."""
    cached_tokens: int = 0
    """Prompt tokens served from the provider's prefix cache."""
    cost_usd: float | None = None
    """Dollars from the price table; None when a model's price is unknown."""
    latency_p50_s: float | None = None
    """Median call latency."""
    latency_p95_s: float | None = None
    """95th percentile call latency."""


class RunResults(BaseModel):
    """``results.json`` of one run."""

    model_config = _FROZEN
    schema_version: int = RESULTS_SCHEMA_VERSION
    """Version of this file format."""
    run_id: str
    """Unique run id."""
    config_hash: str
    """Short sha256 of ``spec``."""
    spec: RunSpec
    """What was run."""
    provenance: Provenance
    """Code and environment identity."""
    tasks: dict[str, TaskResult]
    """Scores per task."""
    usage: dict[str, PhaseUsageReport] = Field(default_factory=dict)
    """Usage per phase plus ``total``."""
    smoke_test: bool = False
    """True when made with the embedded toy model: not a reportable number."""
    wall_time_s: float | None = None
    """Wall time of the run."""


class SampleRecord(BaseModel):
    """One line of ``samples.jsonl``: an answered (and maybe scored) item."""

    schema_version: int = SAMPLE_SCHEMA_VERSION
    """Version of this record format."""
    task: str = "qa"
    """Task name."""
    item_id: str
    """``qa_id`` for QA (``conv-26:q0``); task-specific otherwise."""
    conversation_id: str
    """Sample id."""
    category: int | None = None
    """LoCoMo category number (QA)."""
    prediction: str | None
    """The agent's answer (None = missing)."""
    retrieved: list[str] | None = None
    """Turn/session ids the agent retrieved, in rank order."""
    scores: dict[str, float | None] = Field(default_factory=dict)
    """Per-item scores (``f1``, ``recall``, ``bleu1``, ``rougeL``, ...)."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Anything else worth keeping (raw reply, options shown, latency, usage)."""


class FailureTaxonomy(BaseModel):
    """Why QA items were lost (``extra["failure_taxonomy"]`` of the QA task): one label per
    QA item of an agent that returned retrieved ids (``memobench.results.failure_taxonomy``)."""

    model_config = _FROZEN
    key: str
    """The score that decides right (>= 0.5): the first ``judge_*`` key, else ``f1``."""
    n: int
    """QA items labelled."""
    overall: dict[str, int]
    """Label → items: ``correct``, ``retrieval_miss``, ``reader_miss``, ``false_abstention``,
    ``missed_abstention``, ``not_scorable``."""
    per_category: dict[str, dict[str, int]] = Field(default_factory=dict)
    """Category (as text) → label → items."""


class RetrievalGuards(BaseModel):
    """Retrieval-bypass checks (``extra["retrieval_guards"]`` of the QA task)."""

    model_config = _FROZEN
    max_context_share: float
    """Threshold: a mean retrieved share of the conversation above it is flagged."""
    n: int
    """QA items with retrieved ids."""
    mean_context_share: float
    """Mean share of its conversation's turns an item's retrieved ids cover."""
    max_share_seen: float
    """Largest such share of one item."""
    n_top_k_reaches_sessions: int
    """Items whose top-k is as large as their conversation: at least as many session ids as it
    has sessions, or at least as many turn ids as it has turns."""
    conversations: dict[str, dict[str, int]] = Field(default_factory=dict)
    """Conversation → session index → turns (the sizes the shares were computed with)."""
    flags: list[str] = Field(default_factory=list)
    """``retrieval_bypass_context_share``, ``retrieval_bypass_top_k``, ``retrieval_no_ids``."""
    n_no_ids: int | None = Field(default=None, exclude_if=lambda v: v is None)
    """Items whose retrieved list holds no id at all (absent when there are none, so blocks
    recorded before the field existed read back unchanged)."""


class AnswerLatency(BaseModel):
    """Per-question answer latency (``extra["answer_latency"]``: the answers' ``latency_s``)."""

    model_config = _FROZEN
    p50_s: float
    """Median seconds from question to answer (nearest rank)."""
    p95_s: float
    """95th percentile (nearest rank)."""
    n: int
    """Answers with a latency."""


#: ``TaskResult.extra`` keys holding the diagnostic blocks above (QA task).
DIAGNOSTIC_KEYS = ("failure_taxonomy", "retrieval_guards", "answer_latency")
