"""Registries for every pluggable kind: agents, datasets, dataset formats, tasks, LLM backends."""

from ._kinds import agents, datasets, formats, llm_backends, tasks
from ._registry import Registry, RegistryError, load_object

__all__ = [
    "Registry",
    "RegistryError",
    "agents",
    "datasets",
    "formats",
    "llm_backends",
    "load_object",
    "tasks",
]
