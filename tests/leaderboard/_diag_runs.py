"""Fabricated runs that carry the QA diagnostic blocks (retrieved ids, answer latencies).

The taxonomy and latency blocks are made by ``aggregate_task`` (the call the scoring of a real
run makes), the guards by ``retrieval_guards`` from fixed conversation sizes; ``answers.jsonl`` holds the latencies verify reads.
"""

from __future__ import annotations

import json
from pathlib import Path

from _fabricate import CONVERSATIONS, make_run

from memobench.results import (
    RunResults,
    SampleRecord,
    aggregate_task,
    load_samples,
    retrieval_guards,
)

#: Every fabricated conversation: 4 sessions of 10 turns.
SIZES = {c: {str(i): 10 for i in range(1, 5)} for c in CONVERSATIONS}
#: (cost of the run in $, answer latency in s) per agent; 24 questions each.
COST_LATENCY = {"no-memory": (0.01, 0.5), "rag": (0.02, 1.0), "oracle": (0.05, 0.8)}


def retrieved_for(agent: str, n: int) -> list[str] | None:
    """no-memory retrieves nothing; rag two turns; oracle (a bypass) every session."""
    if agent == "no-memory":
        return None
    if agent == "oracle":
        return ["S1", "S2", "S3", "S4"]
    return [f"D{1 + n % 4}:{1 + n % 10}", f"D{1 + (n + 1) % 4}:2"]


def add_diagnostics(run_dir: Path, agent: str, latency: float) -> None:
    """Give the run retrieved ids and answers with latencies, and rewrite its QA result."""
    samples: list[SampleRecord] = []
    for n, s in enumerate(load_samples(run_dir)):
        samples.append(s.model_copy(update={"retrieved": retrieved_for(agent, n)}))
    (run_dir / "samples.jsonl").write_text(
        "".join(s.model_dump_json() + "\n" for s in samples), encoding="utf-8"
    )
    answers = {
        s.item_id: {
            "task": "qa",
            "item_id": s.item_id,
            "conversation_id": s.conversation_id,
            "prediction": s.prediction or "",
            "retrieved": s.retrieved,
            # latencies spread around the agent's median: p50 is exactly ``latency``
            "latency_s": latency + 0.01 * (n % 5 - 2),
        }
        for n, s in enumerate(samples)
    }
    with open(run_dir / "answers.jsonl", "w", encoding="utf-8") as fh:
        for a in answers.values():
            fh.write(json.dumps(a) + "\n")
    results = RunResults.model_validate_json((run_dir / "results.json").read_text("utf-8"))
    old = results.tasks["qa"]

    qa = aggregate_task(
        samples,
        task="qa",
        task_version=old.task_version,
        scoring_version=old.scoring_version,
        main_metric=old.main_metric,
        seed=results.spec.seed,
        # what scoring derives from the conversations: their sizes
        extra={**old.extra, "retrieval_guards": retrieval_guards(samples, SIZES)},
        answers=answers,
    )
    results = results.model_copy(update={"tasks": {**results.tasks, "qa": qa}})
    (run_dir / "results.json").write_text(results.model_dump_json(indent=2), encoding="utf-8")


def make_diag_runs(root: Path) -> list[Path]:
    runs = []
    for agent, (cost, latency) in COST_LATENCY.items():
        run = make_run(root, agent, cost=cost)
        add_diagnostics(run, agent, latency)
        runs.append(run)
    return runs
