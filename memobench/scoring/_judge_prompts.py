"""Judge prompt files of the dataset scorers (``tasks/judge_<dataset>/``), read here rather
than through ``memobench.tasks`` so scoring stays below the task layer."""

from __future__ import annotations

import functools
import tomllib

from .._util.hashing import sha256_text
from .._util.resources import resource_dir


@functools.cache
def judge_template(folder: str, key: str) -> tuple[str, str]:
    """(template text, its sha256) of prompt ``key`` listed in ``tasks/<folder>/task.toml``."""
    base = resource_dir("tasks") / folder
    with open(base / "task.toml", "rb") as fh:
        meta = tomllib.load(fh)
    text = (base / meta["prompts"][key]).read_text(encoding="utf-8")
    return text, sha256_text(text)


def render(template: str, **fields: object) -> str:
    """Plain ``{field}`` replacement (braces in answers can never break rendering)."""
    for k, v in fields.items():
        template = template.replace("{" + k + "}", str(v))
    return template
