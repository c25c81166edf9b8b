"""Merge run directories into a :class:`Leaderboard`."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

from .._util import canonical_json
from .._version import __version__
from ..results import DIAGNOSTIC_KEYS, PhaseUsageReport, RunResults, item_scores
from ..stats import PairedMethod, paired_test
from ._runs import LoadedRun, check_compatible, load_run
from ._schema import (
    FLAG_DIFFERENT_PROMPT,
    FLAG_DIFFERENT_READER,
    Comparison,
    DatasetInfo,
    JudgeInfo,
    Leaderboard,
    LeaderboardEntry,
    TaskInfo,
    TaskScores,
)

#: Reference agents of the derived columns (matched on ``AgentRef.name``).
NO_MEMORY_AGENT = "no-memory"
ORACLE_AGENT = "oracle"


def _main_value(results: RunResults, task: str) -> float | None:
    result = results.tasks.get(task)
    if result is None or result.main_metric not in result.metrics:
        return None
    return result.metrics[result.main_metric].value


def _total_cost(usage: dict[str, PhaseUsageReport]) -> float | None:
    if "total" in usage:
        return usage["total"].cost_usd
    costs = [u.cost_usd for u in usage.values()]
    # One unpriced phase makes the total unknown: reporting a partial sum would understate it.
    if not costs or any(c is None for c in costs):
        return None
    return float(sum(costs))  # type: ignore[arg-type]


def _majority(values: Sequence[str]) -> str:
    # Ties go to the smallest value so the result does not depend on the order of run dirs.
    return min(Counter(values).items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _reference(runs: Sequence[LoadedRun], agent: str) -> RunResults | None:
    return next((r.results for r in runs if r.results.spec.agent.name == agent), None)


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _labels(runs: Sequence[LoadedRun]) -> dict[str, str]:
    names = Counter(r.results.spec.agent.name for r in runs)
    labels = {}
    for r in runs:
        name = r.results.spec.agent.name
        labels[r.results.run_id] = name if names[name] == 1 else f"{name}@{r.results.config_hash}"
    if len(set(labels.values())) < len(labels):  # same agent and config: fall back to run ids
        labels = {r.results.run_id: f"{r.results.spec.agent.name}@{r.results.run_id}" for r in runs}
    return labels


def _calibration_index(paths: Iterable[str | Path]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(mode, model, prompt sha256) → calibrated rates, from ``memobench judge calibrate`` files."""
    index: dict[tuple[str, str, str], dict[str, Any]] = {}
    for path in paths:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
        for j in report.get("judges", []):
            index[(j["judge"], j["model"], j["prompt_sha256"])] = j
    return index


def _judges(
    res: Any, calibration: dict[tuple[str, str, str], dict[str, Any]]
) -> dict[str, JudgeInfo]:
    qa = res.tasks.get("qa")
    out: dict[str, JudgeInfo] = {}
    for key, info in sorted(((qa.extra.get("judges") if qa else None) or {}).items()):
        mode, model, sha = (
            info.get("mode", key),
            info.get("model", ""),
            info.get("prompt_sha256", ""),
        )
        cal = calibration.get((mode, model, sha), {})
        out[key] = JudgeInfo(
            mode=mode,
            model=model,
            prompt_sha256=sha,
            k=info.get("k", 1),
            n_errors=info.get("n_errors", 0),
            fpr=cal.get("fpr"),
            tpr=cal.get("tpr"),
        )
    return out


def build_leaderboard(
    run_dirs: Iterable[str | Path],
    *,
    seed: int = 0,
    base_dir: str | Path | None = None,
    method: PairedMethod = "permutation",
    n_resamples: int = 5000,
    created_at: str | None = None,
    calibrations: Iterable[str | Path] = (),
) -> Leaderboard:
    """Merge runs into a leaderboard, refusing incomparable ones.

    ``base_dir`` is where the leaderboard file will live (run paths are stored relative to it;
    default: the current directory). Raises :class:`IncompatibleRunsError` naming each
    difference when the runs are not comparable (see :func:`check_compatible`: dataset, task
    and scoring versions, seed, run options, judges, item sets).
    """
    return _build(
        [load_run(d) for d in run_dirs],
        seed=seed,
        base_dir=base_dir,
        method=method,
        n_resamples=n_resamples,
        created_at=created_at,
        calibrations=calibrations,
    )


def build_leaderboards(run_dirs: Iterable[str | Path], **options: Any) -> dict[str, Leaderboard]:
    """One leaderboard per dataset (keyed by dataset name): runs are grouped by the dataset
    they ran on, and each group must be comparable on its own (``options``: those of
    :func:`build_leaderboard`)."""
    groups: dict[str, list[LoadedRun]] = {}
    for d in run_dirs:
        run = load_run(d)
        groups.setdefault(run.results.spec.dataset.name, []).append(run)
    if not groups:
        raise ValueError("build_leaderboards needs at least one run directory")
    return {name: _build(runs, **options) for name, runs in sorted(groups.items())}


def _build(
    runs: list[LoadedRun],
    *,
    seed: int = 0,
    base_dir: str | Path | None = None,
    method: PairedMethod = "permutation",
    n_resamples: int = 5000,
    created_at: str | None = None,
    calibrations: Iterable[str | Path] = (),
) -> Leaderboard:
    calibrations = list(calibrations)
    calibration = _calibration_index(calibrations)
    if not runs:
        raise ValueError("build_leaderboard needs at least one run directory")
    check_compatible(runs)
    base = Path(base_dir) if base_dir is not None else Path.cwd()

    tasks: dict[str, TaskInfo] = {}
    for run in runs:
        for name, result in run.results.tasks.items():
            tasks.setdefault(
                name,
                TaskInfo(
                    version=result.task_version,
                    scoring_version=result.scoring_version,
                    main_metric=result.main_metric,
                ),
            )
    tasks = dict(sorted(tasks.items()))
    primary = "qa" if "qa" in tasks else next(iter(tasks), "")

    readers = [r.results.spec.models.get("reader") or "" for r in runs]
    prompts = [canonical_json(r.results.spec.prompt_hashes) for r in runs]
    majority_reader, majority_prompts = _majority(readers), _majority(prompts)
    majority_hashes = runs_prompt_hashes(runs, majority_prompts)

    # Rank by the primary main metric; a run without it goes last; run id breaks ties so that
    # rebuilding from the runs in any order gives the same file.
    def sort_key(run: LoadedRun) -> tuple[float, str]:
        value = _main_value(run.results, primary)
        return (float("inf") if value is None else -value, run.results.run_id)

    runs = sorted(runs, key=sort_key)
    no_memory, oracle = _reference(runs, NO_MEMORY_AGENT), _reference(runs, ORACLE_AGENT)
    labels = _labels(runs)

    entries = []
    for rank, run in enumerate(runs, start=1):
        res = run.results
        scores = {}
        for name, result in sorted(res.tasks.items()):
            value = _main_value(res, name)
            scores[name] = TaskScores(
                main_metric=result.main_metric,
                metrics=result.metrics,
                by_category=result.by_category,
                memory_gain=_diff(value, _main_value(no_memory, name)) if no_memory else None,
                gap_to_oracle=_diff(_main_value(oracle, name), value) if oracle else None,
                answer_length={
                    k: result.extra[k]
                    for k in ("mean_prediction_words", "mean_gold_words")
                    if k in result.extra
                },
                **{k: result.extra[k] for k in DIAGNOSTIC_KEYS if k in result.extra},
            )
        count_task = "qa" if "qa" in scores else primary
        n_questions = 0
        if count_task in scores and scores[count_task].main_metric in scores[count_task].metrics:
            n_questions = scores[count_task].metrics[scores[count_task].main_metric].n
        cost = _total_cost(res.usage)
        reader = res.spec.models.get("reader")
        flags = []
        if (reader or "") != majority_reader:
            flags.append(FLAG_DIFFERENT_READER)
        if _prompts_differ(res.spec.prompt_hashes, majority_hashes, set(res.tasks)):
            flags.append(FLAG_DIFFERENT_PROMPT)
        entries.append(
            LeaderboardEntry(
                rank=rank,
                label=labels[res.run_id],
                run_path=Path(os.path.relpath(run.path.resolve(), base.resolve())).as_posix(),
                run_id=res.run_id,
                config_hash=res.config_hash,
                agent=res.spec.agent,
                reader_model=reader,
                models={k: v for k, v in sorted(res.spec.models.items()) if k != "reader"},
                prompt_hashes=res.spec.prompt_hashes,
                seed=res.spec.seed,
                provenance=res.provenance,
                tasks=scores,
                usage=res.usage,
                n_questions=n_questions,
                cost_usd=cost,
                cost_per_100_questions=(
                    cost * 100 / n_questions if cost is not None and n_questions else None
                ),
                smoke_test=res.smoke_test,
                flags=flags,
                judges=_judges(res, calibration),
            )
        )

    comparisons = []
    for name, info in tasks.items():
        having = [r for r in runs if name in r.results.tasks]
        per_item = {
            r.results.run_id: item_scores(r.samples, name, info.main_metric) for r in having
        }
        for ra, rb in combinations(having, 2):
            (a, clusters_a), (b, clusters_b) = (
                per_item[ra.results.run_id],
                per_item[rb.results.run_id],
            )
            if not set(a) & set(b):
                continue
            paired = paired_test(
                a,
                b,
                {**clusters_b, **clusters_a},
                method=method,
                n_resamples=n_resamples,
                seed=seed,
            )
            comparisons.append(
                Comparison(
                    task=name,
                    metric=info.main_metric,
                    run_a=ra.results.run_id,
                    run_b=rb.results.run_id,
                    label_a=labels[ra.results.run_id],
                    label_b=labels[rb.results.run_id],
                    result=paired,
                )
            )

    first = runs[0].results.spec.dataset
    return Leaderboard(
        memobench_version=__version__,
        created_at=created_at or datetime.now(UTC).isoformat(timespec="seconds"),
        seed=seed,
        comparison_method=method,
        n_resamples=n_resamples,
        dataset=DatasetInfo(name=first.name, sha256=first.sha256),
        tasks=tasks,
        primary_task=primary,
        majority_reader=majority_reader or None,
        majority_prompt_hashes=majority_hashes,
        entries=entries,
        comparisons=comparisons,
        calibrations=[
            Path(os.path.relpath(Path(c).resolve(), base.resolve())).as_posix()
            for c in calibrations
        ],
    )


def _prompt_task(key: str) -> str | None:
    """``qa/qa`` belongs to task ``qa``; a key without a task prefix belongs to every task."""
    return key.split("/", 1)[0] if "/" in key else None


def _prompts_differ(hashes: dict[str, str], majority: dict[str, str], tasks: set[str]) -> bool:
    """A prompt of a task this run scored differs from the majority's (or one is missing).

    Tasks the run did not score, or that the majority has no prompt for, are not compared:
    a QA-only memory-system run and a three-task baseline asked the same QA prompts."""
    majority_tasks = {_prompt_task(k) for k in majority}

    def scoped(h: dict[str, str], among: Collection[str | None]) -> dict[str, str]:
        return {k: v for k, v in h.items() if _prompt_task(k) is None or _prompt_task(k) in among}

    mine = scoped(scoped(hashes, tasks), majority_tasks)
    return mine != scoped(majority, tasks)


def runs_prompt_hashes(runs: Sequence[LoadedRun], canonical: str) -> dict[str, str]:
    """The prompt-hash dict whose canonical JSON is ``canonical``."""
    return next(
        r.results.spec.prompt_hashes
        for r in runs
        if canonical_json(r.results.spec.prompt_hashes) == canonical
    )
