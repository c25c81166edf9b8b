"""Registries for every pluggable kind: agents, datasets, tasks, metrics and LLM backends."""

from ._registry import (
    Registry,
    RegistryError,
    agents,
    datasets,
    formats,
    llm_backends,
    load_object,
    metrics,
    tasks,
)

__all__ = [
    "Registry",
    "RegistryError",
    "agents",
    "datasets",
    "formats",
    "llm_backends",
    "load_object",
    "metrics",
    "tasks",
]
