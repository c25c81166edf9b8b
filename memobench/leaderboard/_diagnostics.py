"""``leaderboard verify`` for the QA diagnostic blocks: taxonomy, guards, answer latency.

Each block is recomputed from the run's own files and compared with ``results.json`` and with
the leaderboard row: the failure taxonomy from ``samples.jsonl``; the retrieval guards from
``samples.jsonl`` and the conversation sizes the block records; the answer latency from the
``latency_s`` of ``answers.jsonl``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..results import (
    answer_latency,
    failure_taxonomy,
    retrieval_guards,
    task_samples,
)
from ..rundir import RunDir
from ._runs import LoadedRun
from ._schema import TaskScores


def recompute_blocks(run: LoadedRun) -> dict[str, Any]:
    """The blocks ``results.json`` records for QA, recomputed (``None``: out of scope)."""
    samples = task_samples(run.samples, "qa")
    tax = failure_taxonomy(samples)
    recorded = run.results.tasks["qa"].extra
    sizes = (recorded.get("retrieval_guards") or {}).get("conversations", {})
    answers = [
        rec.model_dump()
        for (task, _), rec in RunDir(run.path).answer_log().answered.items()
        if task == "qa"
    ]
    return {
        "failure_taxonomy": tax if tax["n"] else None,
        "retrieval_guards": retrieval_guards(samples, sizes) if sizes else None,
        "answer_latency": answer_latency(answers) if answers else None,
    }


def check_blocks(
    where: str,
    run: LoadedRun,
    row: TaskScores | None,
    diff: Callable[[Any, Any, str], list[str]],
) -> list[str]:
    """Differences between the recomputed blocks and those in ``results.json`` and the row."""
    if "qa" not in run.results.tasks:
        return []
    fresh = recompute_blocks(run)
    recorded = run.results.tasks["qa"].extra
    problems = []
    for key, want in fresh.items():
        got = recorded.get(key)
        if got is None:
            # runs made before a block existed do not carry it; nothing is shown for them
            continue
        if want is None:
            problems.append(f"{where}/results.json: qa.extra.{key}: nothing to recompute it from")
            continue
        problems += [f"{where}/results.json: {d}" for d in diff(got, want, f"qa.extra.{key}")]
        shown = getattr(row, key, None) if row is not None else None
        if shown is not None:
            problems += [
                f"{where} (leaderboard row): {d}"
                for d in diff(shown.model_dump(mode="json"), want, f"qa.{key}")
            ]
    return problems
