"""The one prompt-template mechanism: versioned prompt files, single-pass fill, sha256.

A template is plain text with ``{field}`` placeholders (``field`` an identifier). Rendering
replaces each placeholder whose field is given in one pass over the template:

- substituted values are never re-scanned (a question containing ``{context}`` stays literal);
- any other brace is literal text (JSON examples need no escaping, ``{"a": 1}`` stays as is);
- a placeholder whose field is not given stays as written.

A prompt folder holds the files and a ``task.toml`` manifest (``name``, ``version``,
``description``, ``[prompts] key = "file.txt"``). The sha256 of each file's exact text goes
into every result's provenance (``RunSpec.prompt_hashes``) or a generated dataset's manifest.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from .hashing import sha256_text
from .resources import resource_dir

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
"""``{field}``: what :meth:`PromptTemplate.render` fills."""

__all__ = [
    "PLACEHOLDER",
    "PromptSet",
    "PromptTemplate",
    "fill",
    "load_prompt_set",
    "read_template",
    "shipped_prompt_set",
]


def fill(text: str, fields: dict[str, object]) -> str:
    """``text`` with every ``{name}`` whose name is in ``fields`` replaced, in one pass."""
    values = {k: str(v) for k, v in fields.items()}
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


@dataclass(frozen=True)
class PromptTemplate:
    """One prompt file."""

    name: str
    """Where it came from: ``<folder>/<key>`` for a shipped prompt, else the file name."""
    text: str
    """The template text, exactly as read (its sha256 is :attr:`sha256`)."""

    @property
    def sha256(self) -> str:
        """sha256 of :attr:`text` (what provenance records)."""
        return sha256_text(self.text)

    @property
    def placeholders(self) -> frozenset[str]:
        """The field names that appear as ``{name}`` in the text."""
        return frozenset(PLACEHOLDER.findall(self.text))

    def render(self, **fields: object) -> str:
        """The prompt with ``fields`` filled in (see the module docstring)."""
        return fill(self.text, fields)

    def require(self, *names: str) -> PromptTemplate:
        """``self``, or :class:`ConfigError` naming the template and the missing fields."""
        missing = [n for n in names if n not in self.placeholders]
        if missing:
            raise ConfigError(
                f"prompt template {self.name!r} lacks placeholder(s) "
                + ", ".join("{" + n + "}" for n in missing)
            )
        return self


def read_template(path: str | os.PathLike[str], *required: str) -> PromptTemplate:
    """The template in file ``path``, checked to have every ``{field}`` in ``required``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read prompt template {os.fspath(path)!r}: {exc}") from exc
    return PromptTemplate(name=os.fspath(path), text=text).require(*required)


@dataclass(frozen=True)
class PromptSet:
    """A prompt folder: its manifest and templates."""

    name: str
    """Manifest ``name`` (for a task, the task's registry name)."""
    version: str
    """Manifest ``version``; runs with different versions never merge."""
    description: str = ""
    """Manifest ``description``."""
    prompts: dict[str, PromptTemplate] = field(default_factory=dict)
    """Prompt key → template, in manifest order."""

    def prompt(self, key: str) -> PromptTemplate:
        """The template ``key``, or :class:`ConfigError` listing the keys there are."""
        try:
            return self.prompts[key]
        except KeyError:
            raise ConfigError(
                f"prompt set {self.name!r} has no prompt {key!r}; it has {sorted(self.prompts)}"
            ) from None

    def render(self, key: str, **fields: object) -> str:
        """``prompt(key).render(**fields)``."""
        return self.prompt(key).render(**fields)

    def hashes(self, *, qualified: bool = True) -> dict[str, str]:
        """Template name (``<folder>/<key>``, or the bare key) → sha256."""
        return {(t.name if qualified else k): t.sha256 for k, t in self.prompts.items()}


def load_prompt_set(folder: str | os.PathLike[str], *, prefix: str | None = None) -> PromptSet:
    """The prompt set in ``folder`` (its ``task.toml`` and the files it lists).

    Template names are ``<prefix>/<key>``; ``prefix`` defaults to the folder's name.
    """
    base = Path(folder)
    prefix = base.name if prefix is None else prefix
    manifest = base / "task.toml"
    try:
        with open(manifest, "rb") as fh:
            meta = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read prompt manifest {manifest}: {exc}") from exc
    prompts = {
        key: PromptTemplate(name=f"{prefix}/{key}", text=(base / fname).read_text(encoding="utf-8"))
        for key, fname in meta.get("prompts", {}).items()
    }
    return PromptSet(
        name=str(meta.get("name", prefix)),
        version=str(meta.get("version", "")),
        description=str(meta.get("description", "")),
        prompts=prompts,
    )


@functools.cache
def shipped_prompt_set(folder: str) -> PromptSet:
    """The prompt set ``tasks/<folder>/`` bundled with memobench (read once)."""
    return load_prompt_set(resource_dir("tasks") / folder)
