"""Judge prompt files of the dataset scorers (``tasks/judge_<dataset>/``), read here rather
than through ``memobench.tasks`` so scoring stays below the task layer. The mechanism is
``memobench._util.prompts`` (one-pass ``{field}`` fill, sha256)."""

from __future__ import annotations

from .._util.prompts import fill, shipped_prompt_set


def judge_template(folder: str, key: str) -> tuple[str, str]:
    """(template text, its sha256) of prompt ``key`` listed in ``tasks/<folder>/task.toml``."""
    tpl = shipped_prompt_set(folder).prompt(key)
    return tpl.text, tpl.sha256


def render(template: str, **fields: object) -> str:
    """One-pass ``{field}`` fill (braces in answers can never break rendering)."""
    return fill(template, fields)
