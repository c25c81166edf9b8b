"""``RunConfig``: everything a user chooses for a run (CLI flags map 1:1 onto it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The embedded smoke-test reader. Chosen by measurement on LoCoMo conv-30 (README): SmolLM2
#: 135M Instruct beat Gemma 3 270M base on every baseline (oracle 29.0 vs 14.7 overall F1).
DEFAULT_MODEL = "local:smollm2-135m"


@dataclass(frozen=True)
class RunConfig:
    """Options of one run. Options that cannot change results stay out of the config hash."""

    agent: str = "rag"
    """Registry name, ``module:Class`` or ``path/to/file.py:Class``."""
    agent_config: dict[str, Any] = field(default_factory=dict)
    """Agent options (merged over ``baselines/<agent>.toml``)."""
    dataset: str = "locomo10"
    """Registry name or LoCoMo-format file."""
    data_path: str | None = None
    """Where to find the dataset file."""
    model: str = DEFAULT_MODEL
    """Reader model spec."""
    embedder: str = "local:minilm"
    """Embedding model spec."""
    base_url: str | None = None
    """OpenAI-compatible endpoint for ``openai:`` models."""
    tasks: tuple[str, ...] = ("qa",)
    """Tasks to run."""
    conversations: tuple[str, ...] | None = None
    """Only these conversation ids."""
    max_conversations: int | None = None
    """Only the first N conversations in dataset order (after ``conversations``). Resolved to
    their ids when the run is built, so the spec (and hash) names them, as ``conversations``
    would. Datasets of one question per conversation (Locomo-Plus, LongMemEval) need it:
    ``limit`` counts items per conversation."""
    limit: int | None = None
    """At most this many items per task per conversation (smoke runs)."""
    protocol: str = "locomo"
    """QA question protocol: ``locomo`` or ``blind``."""
    seed: int = 0
    """Seed of every random choice."""
    concurrency: int = 8
    """Model calls in flight per endpoint; a quarter more items (from 4 on) are prepared
    ahead, waiting on a slot (does not change results)."""
    out: Path | None = None
    """Run directory (default: ``results/runs/<derived name>``)."""
    dedupe: bool = False
    """Drop LoCoMo's 11 exact duplicate QA items."""
    progress: bool | None = None
    """Progress bar (default: when stderr is a terminal)."""
    errata: str | None = None
    """Errata pack (``errata/<name>.toml``): also score against corrected gold (``f1_errata``)."""
    task_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per-task options (e.g. dialogue sample sizes)."""
    dry_run: bool = False
    """Call no model: estimate what the run would pay (``memobench.runner.estimate_run``)."""
    item_timeout: float | None = 600.0
    """Seconds one item may take before it is recorded as a timeout error (None: no limit)."""
    max_errors: str | float | None = None
    """End the run early past this many errored items (``5``) or this fraction (``0.1``)."""
    wait: bool = False
    """When another process holds the run directory, wait for it instead of refusing."""
