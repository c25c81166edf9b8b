"""Fabricate run directories (results.json + samples.jsonl) for leaderboard tests."""

from __future__ import annotations

import json
from pathlib import Path

from memobench._util import Provenance
from memobench.results import (
    AgentRef,
    DatasetRef,
    PhaseUsageReport,
    RunResults,
    RunSpec,
    SampleRecord,
    TaskResult,
    recompute_task_metrics,
)

SHA = "a" * 64
CONVERSATIONS = ("conv-26", "conv-30", "conv-41", "conv-42")
CATEGORIES = (1, 2, 3, 4, 5, 4)  # six questions per conversation


def item_ids() -> list[tuple[str, str, int]]:
    return [
        (f"{conv}:q{i}", conv, cat) for conv in CONVERSATIONS for i, cat in enumerate(CATEGORIES)
    ]


def qa_score(agent: str, item: int, category: int) -> float:
    """Deterministic F1 per item: oracle > rag > no-memory."""
    base = {"no-memory": 0.1, "rag": 0.5, "oracle": 0.9}.get(agent, 0.4)
    return round(min(1.0, max(0.0, base + 0.05 * ((item * 7 + category) % 5 - 2))), 6)


def make_run(
    root: Path,
    agent: str,
    *,
    reader: str = "openai/gpt-4o-mini",
    sha: str = SHA,
    prompt_hash: str = "p" * 64,
    task_version: str = "1",
    scoring_version: str = "1",
    cost: float | None = 0.02,
    smoke_test: bool = False,
    seed: int = 0,
    run_id: str | None = None,
) -> Path:
    run_id = run_id or f"run-{agent}"
    run_dir = root / "runs" / run_id
    run_dir.mkdir(parents=True)
    samples = []
    for n, (item_id, conv, cat) in enumerate(item_ids()):
        f1 = qa_score(agent, n, cat)
        samples.append(
            SampleRecord(
                item_id=item_id,
                conversation_id=conv,
                category=cat,
                prediction=None if (agent == "no-memory" and n == 0) else f"answer {n}",
                scores={"f1": f1, "recall": None if cat == 5 else round(f1 / 2, 6)},
            )
        )
    with open(run_dir / "samples.jsonl", "w", encoding="utf-8") as fh:
        for s in samples:
            fh.write(s.model_dump_json() + "\n")
    fresh = recompute_task_metrics(samples, "qa", seed)
    spec = RunSpec(
        dataset=DatasetRef(name="locomo-mini", sha256=sha, n_conversations=len(CONVERSATIONS)),
        agent=AgentRef(name=agent, version="0.1", config={"top_k": 5}),
        models={"reader": reader, "embedder": "local/minilm"},
        tasks={"qa": task_version},
        prompt_hashes={"qa_answer.txt": prompt_hash},
        seed=seed,
    )
    results = RunResults(
        run_id=run_id,
        config_hash=f"cfg-{agent}",
        spec=spec,
        provenance=Provenance(memobench_version="0.1.0", created_at="2026-01-01T00:00:00+00:00"),
        tasks={
            "qa": TaskResult(
                task="qa",
                task_version=task_version,
                scoring_version=scoring_version,
                main_metric="f1",
                metrics=fresh.metrics,
                by_category=fresh.by_category,
            )
        },
        usage={
            "answer": PhaseUsageReport(calls=24, prompt_tokens=1000, cost_usd=cost),
            "total": PhaseUsageReport(calls=24, prompt_tokens=1000, cost_usd=cost),
        },
        smoke_test=smoke_test,
    )
    (run_dir / "results.json").write_text(results.model_dump_json(indent=2), encoding="utf-8")
    return run_dir


def make_standard_runs(root: Path, **overrides: dict) -> list[Path]:
    """no-memory, rag and oracle runs; ``overrides[agent]`` are extra ``make_run`` kwargs."""
    return [make_run(root, a, **overrides.get(a, {})) for a in ("no-memory", "rag", "oracle")]


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
