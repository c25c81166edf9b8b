"""``add_dataset_judged_scores``: a dataset's official judge over a run directory.

Per-item keys (``judge_longmemeval``, ``judge_beam``, ``judge_locomo_plus`` and their details)
are added to every sample of that dataset; ``_official`` is appended to every key when an
upstream behaviour is reproduced, so corrected and official numbers sit side by side. The
dataset's own aggregates (task-averaged accuracy, per-ability chat means, unified score) go
into ``tasks["qa"].extra["judges"][key]["dataset_scores"]``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..datasets import LoadedDataset
from ..llm import LLMClient, Meter, phase, use_meter
from ..results import RunResults, SampleRecord, load_samples
from ..rundir import write_samples
from ..scoring import beam, locomo_plus, longmemeval
from ._datasets import DatasetJudge
from ._rundir import prepared_run, write_judged_results

_DATASET_OF = {"longmemeval": "longmemeval", "beam": "beam", "locomo-plus": "locomo-plus"}


def dataset_key(dataset: str, official: Sequence[str] = ()) -> str:
    """The main per-item key of a dataset judge (``judge_locomo_plus_official``)."""
    return f"judge_{dataset.replace('-', '_')}" + ("_official" if official else "")


def _suffix(scores: dict[str, float | None], official: Sequence[str]) -> dict[str, float | None]:
    return {(k + "_official" if official else k): v for k, v in scores.items()}


def _missing(dataset: str, q: Any) -> dict[str, float | None]:
    """The scores of an unanswered item: 0 wherever the item would have been judged."""
    if dataset == "longmemeval":
        abst = "_abs" in str(q.gold.get("question_id", ""))
        return {"judge_longmemeval": 0.0, "judge_longmemeval_abstention": 0.0 if abst else None}
    if dataset == "beam":
        out: dict[str, float | None] = {"judge_beam": 0.0, "judge_beam_rubric": 0.0}
        if q.label == "event_ordering":
            out.update(judge_beam_tau_norm=0.0, judge_beam_eo_f1=0.0, judge_beam_eo_final=0.0)
        return out
    return {"judge_locomo_plus": 0.0}


def dataset_scores(
    dataset: str, rows: Sequence[tuple[str, Any, dict[str, float | None]]]
) -> dict[str, float | None]:
    """The dataset's official aggregate from (conversation id, QAItem, unsuffixed scores)."""
    if dataset == "longmemeval":
        labels = [
            longmemeval.QALabel(
                question_id=str(q.gold.get("question_id", "")),
                question_type=q.label or "",
                correct=bool(s.get("judge_longmemeval")),
            )
            for _, q, s in rows
            if s.get("judge_longmemeval") is not None
        ]
        return longmemeval.qa_metrics(labels)
    if dataset == "beam":
        triples = [
            (
                conv,
                q.label or "",
                {
                    "llm_judge_score": s["judge_beam_rubric"],
                    "tau_norm": s.get("judge_beam_tau_norm"),
                },
            )
            for conv, q, s in rows
            if s.get("judge_beam_rubric") is not None
        ]
        per = beam.ability_report(triples)  # type: ignore[arg-type]
        out: dict[str, float | None] = {f"ability_{a}": v for a, v in per.items()}
        out["mean_over_abilities"] = sum(per.values()) / len(per) if per else None
        return out
    pairs = [
        (q.label or "", float(s["judge_locomo_plus"]))  # type: ignore[arg-type]
        for _, q, s in rows
        if s.get("judge_locomo_plus") is not None
    ]
    return locomo_plus.unified_scores(pairs)


def add_dataset_judged_scores(
    path: Path | str,
    *,
    dataset: str,
    judge_model: str | LLMClient,
    official: Sequence[str] = (),
    data_path: str | None = None,
    ds: LoadedDataset | None = None,
) -> RunResults:
    """Judge the QA answers of a run with ``dataset``'s official judge; re-aggregate results."""
    path, run_dir, spec, ds = prepared_run(path, ds, data_path)
    judge = DatasetJudge(dataset, judge_model, official=official)
    key = dataset_key(dataset, judge.official)
    index = {
        q.qa_id: (c, q)
        for c in ds.conversations
        if c.metadata.get("dataset") == _DATASET_OF[dataset]
        for q in c.qa
    }
    if not index:
        raise ValueError(f"the run's dataset {ds.name!r} has no {dataset} items to judge")
    samples = load_samples(path)
    todo = [
        (i, s)
        for i, s in enumerate(samples)
        if s.task == "qa" and s.item_id in index and s.prediction and s.prediction.strip()
    ]

    async def _all() -> list[tuple[dict[str, float | None], dict[str, Any]]]:
        return list(
            await asyncio.gather(
                *(
                    judge.score_item(*index[s.item_id], s.prediction or "", s.scores)
                    for _, s in todo
                )
            )
        )

    meter = Meter()
    with use_meter(meter), phase("judge"):
        judged = asyncio.run(_all())
    run_dir.append_usage(meter)

    per_item: dict[int, tuple[dict[str, float | None], dict[str, Any]]] = dict(
        zip((i for i, _ in todo), judged, strict=True)
    )
    rows: list[tuple[str, Any, dict[str, float | None]]] = []
    updated: list[SampleRecord] = []
    for i, s in enumerate(samples):
        if s.task == "qa" and s.item_id in index:
            conv, q = index[s.item_id]
            # A missing or empty answer is wrong, as in every other QA score.
            scores, extra = per_item.get(i) or (_missing(dataset, q), {})
            rows.append((conv.sample_id, q, scores))
            s = s.model_copy(
                update={
                    "scores": {**s.scores, **_suffix(scores, judge.official)},
                    "extra": {**s.extra, key: extra} if extra else s.extra,
                }
            )
        updated.append(s)
    write_samples(run_dir.samples, updated)

    results = RunResults.model_validate_json(run_dir.results.read_text(encoding="utf-8"))
    old = results.tasks["qa"]
    judges = dict(old.extra.get("judges", {}))
    judges[key] = {
        **judge.identity(),
        "n_judged": len(todo),
        "n_errors": sum(sc.get(key.removesuffix("_official")) is None for sc, _ in judged),
        "dataset_scores": dataset_scores(dataset, rows),
    }
    return write_judged_results(run_dir, results, updated, judges, seed=spec.seed)
