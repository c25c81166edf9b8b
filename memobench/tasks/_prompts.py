"""Versioned prompt files under ``tasks/<task>/``; their hashes go into every result.

The mechanism (single-pass ``{field}`` fill, sha256, ``task.toml`` manifests) is
``memobench._util.prompts``, shared with generation, scoring and the judge; this module is the
task-side view of it.
"""

from __future__ import annotations

from .._util.prompts import PromptSet, PromptTemplate, load_prompt_set, shipped_prompt_set

TaskSpec = PromptSet
"""``tasks/<task>/task.toml``: name, version and prompt files."""

__all__ = [
    "PromptSet",
    "PromptTemplate",
    "TaskSpec",
    "VersionedTask",
    "load_prompt_set",
    "load_task_spec",
]


def load_task_spec(task: str) -> TaskSpec:
    """The shipped prompt set of ``task`` (read once per process)."""
    return shipped_prompt_set(task)


class VersionedTask:
    """Mixin: a task whose version and prompt hashes come from ``tasks/<name>/task.toml``."""

    name: str

    @property
    def version(self) -> str:
        return load_task_spec(self.name).version

    def prompt_hashes(self) -> dict[str, str]:
        return load_task_spec(self.name).hashes()
