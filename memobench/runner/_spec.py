"""What a run is, as data: its spec (from the config, the dataset, the agent and the tasks)."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from .._util.resources import resource_dir
from ..datasets import LoadedDataset
from ..llm import engine_label
from ..results import AgentRef, DatasetRef, RunSpec
from ._config import RunConfig


def baseline_config(agent: str) -> dict[str, Any]:
    """Defaults from ``baselines/<agent>.toml`` for built-in baselines (empty otherwise)."""
    try:
        path = resource_dir("baselines") / f"{agent}.toml"
    except FileNotFoundError:
        return {}
    if not path.is_file():
        return {}
    with open(path, "rb") as fh:
        return dict(tomllib.load(fh).get("config", {}))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:48]


def build_spec(
    config: RunConfig,
    ds: LoadedDataset,
    agent_name: str,
    agent_version: str,
    agent_config: dict[str, Any],
    tasks: list[Any],
) -> RunSpec:
    prompt_hashes: dict[str, str] = {}
    for task in tasks:
        prompt_hashes.update(task.prompt_hashes())
    options: dict[str, Any] = {
        "conversations": list(config.conversations) if config.conversations else None,
        "limit": config.limit,
        "protocol": config.protocol,
        "dedupe": config.dedupe,
        "task_options": config.task_options,
        "errata": config.errata,
        "base_url": config.base_url,
    }
    # Another engine computes the same local model with other kernels: another run (hash).
    if engine := engine_label(config.model):
        options["local_engine"] = engine
    return RunSpec(
        dataset=DatasetRef(
            name=ds.name,
            sha256=ds.sha256,
            path=ds.location(),
            n_conversations=len(ds.conversations),
        ),
        agent=AgentRef(name=agent_name, version=agent_version, config=agent_config),
        models={"reader": config.model, "embedder": config.embedder},
        tasks={t.name: t.version for t in tasks},
        prompt_hashes=prompt_hashes,
        seed=config.seed,
        options=options,
    )


def dry_run_embedder(spec: str) -> str:
    """Embedder for a dry run: local ones are free and kept; others would be paid for, so the
    offline default stands in (retrieval then differs; embedding cost is not estimated)."""
    return spec if spec.startswith("local:") else "local:minilm"
