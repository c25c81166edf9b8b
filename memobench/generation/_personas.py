"""Persona sources (MSC pairs or a user file) and their LLM expansion into profiles."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

from ._llmcall import Caller
from ._prompts import Prompts
from ._records import Persona

#: Where the MSC persona file is looked up when ``--personas`` is not given.
MSC_RELATIVE = Path("msc") / "msc_personas_all.json"


def default_persona_file() -> Path | None:
    """``$MEMOBENCH_DATA_DIR/msc/...`` or ``../shared/datasets/msc/...`` from the cwd."""
    candidates = []
    if os.environ.get("MEMOBENCH_DATA_DIR"):
        candidates.append(Path(os.environ["MEMOBENCH_DATA_DIR"]) / MSC_RELATIVE)
    candidates.append(Path("..") / "shared" / "datasets" / MSC_RELATIVE)
    return next((c for c in candidates if c.is_file()), None)


PersonaSeed = Persona | tuple[str, ...]
"""A ready persona (user file with summaries) or attributes the LLM must expand."""


def load_persona_pairs(path: str | Path) -> list[tuple[PersonaSeed, PersonaSeed]]:
    """Read candidate speaker pairs.

    Accepted: the MSC file (``{"train": [{"Speaker 1": [...], "Speaker 2": [...],
    "in_dataset": 0}]}``; only unused train pairs, the file is never rewritten), or a JSON list
    of ``{"name", "persona_summary"}`` objects or of attribute lists (paired up in order).
    """
    raw: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(raw, dict) and "train" in raw:
        pairs = []
        for item in raw["train"]:
            a, b = item.get("Speaker 1") or [], item.get("Speaker 2") or []
            if item.get("in_dataset", 0) == 0 and a and b:
                pairs.append((tuple(a), tuple(b)))
        return pairs  # type: ignore[return-value]
    if not isinstance(raw, list) or len(raw) < 2:
        raise ValueError(f"{path}: expected the MSC file or a JSON list of at least 2 personas")
    seeds: list[PersonaSeed] = []
    for i, item in enumerate(raw):
        if isinstance(item, dict) and "name" in item and "persona_summary" in item:
            seeds.append(
                Persona(name=str(item["name"]), persona_summary=str(item["persona_summary"]))
            )
        elif isinstance(item, list) and all(isinstance(x, str) for x in item):
            seeds.append(tuple(item))
        else:
            raise ValueError(f"{path}: item {i} is neither {{name, persona_summary}} nor a list")
    return [(seeds[i], seeds[i + 1]) for i in range(0, len(seeds) - 1, 2)]


def pick_pair(
    pairs: list[tuple[PersonaSeed, PersonaSeed]], rng: random.Random
) -> tuple[PersonaSeed, PersonaSeed]:
    if not pairs:
        raise ValueError("no persona pairs available")
    return pairs[rng.randrange(len(pairs))]


def _validate_persona(value: Any, attributes: tuple[str, ...], avoid: str | None) -> Persona:
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    value = {str(k).lower(): v for k, v in value.items()}
    name, persona = value.get("name"), value.get("persona")
    if not isinstance(name, str) or not name.strip() or len(name.split()) > 3:
        raise ValueError("'name' must be a short non-empty string")
    if not isinstance(persona, str) or len(persona.split()) < 5:
        raise ValueError("'persona' must be a profile of at least a sentence")
    first = name.strip().split()[0]
    if avoid and first.lower() == avoid.lower():
        raise ValueError(f"the name must not be {avoid}")
    return Persona(name=first, persona_summary=persona.strip(), attributes=attributes)


async def expand_persona(
    caller: Caller, prompts: Prompts, seed: PersonaSeed, *, avoid: str | None = None
) -> Persona:
    """Turn attributes into a named profile (user-written personas pass through)."""
    if isinstance(seed, Persona):
        return seed
    prompt = prompts.render(
        "persona",
        attributes="\n".join(f"- {a}" for a in seed),
        avoid=f"The name must not be {avoid}.\n" if avoid else "",
    )
    return await caller.json(
        "persona", prompt, lambda v: _validate_persona(v, seed, avoid), max_tokens=400
    )
