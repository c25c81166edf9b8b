"""Shared by the executor tests: one small LoCoMo configuration and how to compare runs."""

from __future__ import annotations

import json
from pathlib import Path

from memobench.runner import RunConfig

CONVERSATIONS = ("conv-26", "conv-30")


def config(base_url: str, data_dir: str, out: Path, **over: object) -> RunConfig:
    fields: dict[str, object] = dict(
        agent="no-memory",
        model="openai:fake",
        base_url=base_url,
        data_path=data_dir,
        conversations=CONVERSATIONS,
        limit=8,
        concurrency=4,
        out=out,
        progress=False,
    )
    fields.update(over)
    return RunConfig(**fields)  # type: ignore[arg-type]


def answers(run: Path) -> list[dict[str, object]]:
    """The answer log without timing, sorted: what must not depend on the executor."""
    rows = []
    for line in (run / "answers.jsonl").read_text().splitlines():
        rec = json.loads(line)
        rec.pop("latency_s", None)
        rows.append(rec)
    return sorted(rows, key=lambda r: (str(r["task"]), str(r["item_id"])))


def samples(run: Path) -> bytes:
    return (run / "samples.jsonl").read_bytes()
