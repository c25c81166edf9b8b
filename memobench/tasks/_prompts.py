"""Versioned prompt files under ``tasks/<task>/``; their hashes go into every result."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass

from .._util.hashing import sha256_text
from .._util.resources import resource_dir


@dataclass(frozen=True)
class PromptTemplate:
    """One prompt file."""

    name: str
    """``<task>/<key>``."""
    text: str
    """The template; ``{field}`` placeholders are filled by plain replacement (no format specs),
    so braces in questions or dialogue can never break rendering."""

    @property
    def sha256(self) -> str:
        return sha256_text(self.text)

    def render(self, **fields: object) -> str:
        out = self.text
        for key, value in fields.items():
            out = out.replace("{" + key + "}", str(value))
        return out


@dataclass(frozen=True)
class TaskSpec:
    """``tasks/<task>/task.toml``: name, version and prompt files."""

    name: str
    version: str
    description: str
    prompts: dict[str, PromptTemplate]

    def prompt(self, key: str) -> PromptTemplate:
        return self.prompts[key]

    def prompt_hashes(self) -> dict[str, str]:
        return {p.name: p.sha256 for p in self.prompts.values()}


@functools.cache
def load_task_spec(task: str) -> TaskSpec:
    folder = resource_dir("tasks") / task
    with open(folder / "task.toml", "rb") as fh:
        meta = tomllib.load(fh)
    prompts = {
        key: PromptTemplate(name=f"{task}/{key}", text=(folder / fname).read_text(encoding="utf-8"))
        for key, fname in meta.get("prompts", {}).items()
    }
    return TaskSpec(
        name=meta["name"],
        version=str(meta["version"]),
        description=meta.get("description", ""),
        prompts=prompts,
    )


class VersionedTask:
    """Mixin: a task whose version and prompt hashes come from ``tasks/<name>/task.toml``."""

    name: str

    @property
    def version(self) -> str:
        return load_task_spec(self.name).version

    def prompt_hashes(self) -> dict[str, str]:
        return load_task_spec(self.name).prompt_hashes()
