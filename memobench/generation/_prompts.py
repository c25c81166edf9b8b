"""Versioned prompt templates (``tasks/generation/*.txt``) and their hashes for the manifest.

Templates are ``memobench._util.prompts`` templates (``{field}``, one-pass fill), listed in
``tasks/generation/task.toml``; JSON examples inside them need no escaping. The first line of
each is a marker such as ``[memobench:gen-turn v1]``: it versions the template and lets
scripted test models route on the prompt kind.
"""

from __future__ import annotations

import re
from pathlib import Path

from .._util.prompts import PromptSet, load_prompt_set, shipped_prompt_set
from ..errors import ConfigError

PROMPT_NAMES = tuple(shipped_prompt_set("generation").prompts)
"""The generation prompts, in manifest order."""

_DOLLAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class Prompts:
    """The template set of one run (optionally from a custom folder with a ``task.toml``)."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = str(folder) if folder else None
        self.set: PromptSet = (
            load_prompt_set(folder, prefix="generation")
            if folder
            else shipped_prompt_set("generation")
        )

    def text(self, name: str) -> str:
        return self.set.prompt(name).text

    def render(self, name: str, **values: object) -> str:
        tpl = self.set.prompt(name)
        stale = sorted(set(_DOLLAR.findall(tpl.text)) & set(values) - tpl.placeholders)
        if stale:  # a custom template written for the old string.Template syntax
            raise ConfigError(
                f"generation prompt {name!r} uses $field placeholders {stale}; "
                "write them as {field}"
            )
        return tpl.render(**values)

    def hashes(self) -> dict[str, str]:
        """Template name → sha256 of its exact text."""
        return self.set.hashes(qualified=False)
