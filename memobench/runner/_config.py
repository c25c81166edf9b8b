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
    limit: int | None = None
    """At most this many items per task per conversation (smoke runs)."""
    protocol: str = "locomo"
    """QA question protocol: ``locomo`` or ``blind``."""
    seed: int = 0
    """Seed of every random choice."""
    concurrency: int = 8
    """Items in flight (does not change results)."""
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
    item_timeout_s: float | None = 600.0
    """An item whose agent call takes longer is recorded as an error (None: no limit)."""
    max_errors: float | None = None
    """End the run early after this many errored items (an integer), or once this fraction of
    the items asked has errored (a number below 1). None: never end early."""
    ingest_attempts: int = 3
    """Tries of a failing ``ingest`` before that conversation's items are recorded as errors."""
    wait: bool = False
    """Wait for another process that holds the run directory, instead of refusing."""
