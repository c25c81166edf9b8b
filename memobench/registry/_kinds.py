"""The registry of each pluggable kind, typed by what a lookup returns.

Each entry is a factory: ``registry.tasks.get("qa")()`` is a ``Task``. The contracts are imported
for type checking only, so the registry stays below the packages that register into it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ._registry import Registry

if TYPE_CHECKING:
    from ..agents import MemoryAgent
    from ..datasets import DatasetFormat, DatasetManifest
    from ..llm import Backend
    from ..tasks import Task

agents: Registry[Callable[..., MemoryAgent]] = Registry("agents")
"""Agent classes or factories, called with ``context=`` plus the agent's options."""
datasets: Registry[Callable[[], DatasetManifest]] = Registry("datasets")
"""Dataset manifests by name (``memobench.datasets``)."""
formats: Registry[Callable[[], DatasetFormat]] = Registry("formats")
"""Dataset-format readers, keyed by a manifest's ``format`` (``memobench.formats``)."""
tasks: Registry[Callable[[], Task]] = Registry("tasks")
"""Task factories (``memobench.tasks``)."""
llm_backends: Registry[Callable[..., Backend]] = Registry("llm", group="memobench.llm")
"""LLM backend factories, called as ``factory(model, **options)`` (``memobench.llm``)."""

__all__ = ["agents", "datasets", "formats", "llm_backends", "tasks"]
