"""Versioned prompt templates (``tasks/generation/*.txt``) and their hashes for the manifest.

Templates use ``string.Template`` (``$name``) so the JSON examples inside them need no escaping.
The first line of each is a marker such as ``[memobench:gen-turn v1]``: it versions the
template and lets scripted test models route on the prompt kind.
"""

from __future__ import annotations

import functools
from pathlib import Path
from string import Template

from .._util.hashing import sha256_text
from .._util.resources import resource_dir

PROMPT_NAMES = (
    "persona",
    "events_initial",
    "events_more",
    "turn",
    "image_query",
    "observations",
    "summary",
    "qa",
    "verify",
)


@functools.cache
def _load(name: str, folder: str | None) -> str:
    base = Path(folder) if folder else resource_dir("tasks") / "generation"
    return (base / f"{name}.txt").read_text(encoding="utf-8")


class Prompts:
    """The template set of one run (optionally from a custom folder)."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = str(folder) if folder else None

    def text(self, name: str) -> str:
        return _load(name, self.folder)

    def render(self, name: str, **values: object) -> str:
        return Template(self.text(name)).safe_substitute({k: str(v) for k, v in values.items()})

    def hashes(self) -> dict[str, str]:
        """Template name → sha256 of its exact text."""
        return {name: sha256_text(self.text(name)) for name in PROMPT_NAMES}
