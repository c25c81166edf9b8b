"""The unit of work and how it travels: a shard job (one configuration, some conversations).

A job is plain JSON on the wire (a subprocess's stdin, a Ray task argument), so a worker on
another machine rebuilds the same :class:`~memobench.runner.RunConfig` and checks that it
derives the same config hash before asking anything.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..runner import RunConfig

#: Environment a worker needs to behave like the coordinator (cache place, transport, key).
#: Forwarded to workers that do not inherit the coordinator's environment (Ray). The key goes
#: in the task's argument, not in Ray's ``runtime_env={"env_vars": ...}``: Ray shows a
#: runtime env on its dashboard and writes it to its logs in plain text (ray-project/ray
#: issues 28276 and 39502; it has no secret variant), while an argument is only held in the
#: cluster's object/task store while the task runs. A cluster whose nodes have the key in
#: their own environment can drop it from this list.
FORWARDED_ENV = (
    "MEMOBENCH_CACHE_DIR",
    "MEMOBENCH_NO_CACHE",
    "MEMOBENCH_HTTP",
    "MEMOBENCH_DATA_DIR",
    "OPENAI_API_KEY",
    "HF_HUB_OFFLINE",
)


@dataclass(frozen=True)
class Shard:
    """The conversations one worker asks (units of one configuration × one conversation)."""

    index: int
    """Worker number, 0-based (names the worker in errors)."""
    conversations: tuple[str, ...]
    """Conversation ids, in dataset order."""
    items: int
    """Items still to ask in these conversations."""


@dataclass(frozen=True)
class ShardJob:
    """What every worker of one run gets: the configuration and what is already done."""

    config: RunConfig
    """The run's configuration; ``out`` is the resolved run directory."""
    config_hash: str
    """The hash the coordinator derived; a worker deriving another one refuses."""
    done: frozenset[tuple[str, str]]
    """(task, item_id) already answered: never asked again."""
    env: dict[str, str] = field(default_factory=dict)
    """Forwarded environment (see ``FORWARDED_ENV``); never logged."""
    dataset: Any = field(default=None, compare=False, repr=False)
    """The coordinator's loaded dataset, for in-process workers only (never serialized)."""

    def to_json(self) -> str:
        cfg = dataclasses.asdict(self.config)
        cfg["out"] = str(self.config.out) if self.config.out is not None else None
        return json.dumps(
            {
                "config": cfg,
                "config_hash": self.config_hash,
                "done": sorted(self.done),
                "env": self.env,
            }
        )

    @staticmethod
    def from_json(text: str) -> ShardJob:
        raw = json.loads(text)
        cfg: dict[str, Any] = dict(raw["config"])
        cfg["out"] = Path(cfg["out"]) if cfg.get("out") else None
        cfg["tasks"] = tuple(cfg["tasks"])
        if cfg.get("conversations") is not None:
            cfg["conversations"] = tuple(cfg["conversations"])
        return ShardJob(
            config=RunConfig(**cfg),
            config_hash=raw["config_hash"],
            done=frozenset((t, i) for t, i in raw["done"]),
            env=dict(raw.get("env", {})),
        )


def forwarded_env() -> dict[str, str]:
    return {k: os.environ[k] for k in FORWARDED_ENV if k in os.environ}


def balance(pending: dict[str, int], workers: int) -> list[Shard]:
    """Split conversations over ``workers`` by items left (largest first onto the lightest
    worker); each shard keeps dataset order. Deterministic; empty shards are dropped."""
    loads: list[list[str]] = [[] for _ in range(max(1, workers))]
    totals = [0] * len(loads)
    order = {cid: n for n, cid in enumerate(pending)}
    for cid, n in sorted(pending.items(), key=lambda kv: (-kv[1], order[kv[0]])):
        k = min(range(len(loads)), key=lambda j: (totals[j], j))
        loads[k].append(cid)
        totals[k] += n
    shards: list[Shard] = []
    for convs, total in zip(loads, totals, strict=True):
        if convs:
            ordered = tuple(sorted(convs, key=order.__getitem__))
            shards.append(Shard(index=len(shards), conversations=ordered, items=total))
    return shards
