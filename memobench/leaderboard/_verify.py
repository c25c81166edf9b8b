"""Recompute every number of a leaderboard from its run files and list the differences."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..results import MetricValue, recompute_task_metrics
from ._build import build_leaderboard
from ._diagnostics import check_blocks
from ._runs import load_run
from ._schema import Leaderboard

TOLERANCE = 1e-9
_FLOAT_FIELDS = ("value", "ci_low", "ci_high")
_INT_FIELDS = ("n", "n_clusters", "n_missing")
# Not numbers derived from runs: a rebuild legitimately changes them.
_VOLATILE = {"created_at", "memobench_version"}


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=0, abs_tol=TOLERANCE)
    return a == b


def _compare_metric(where: str, recomputed: MetricValue, recorded: MetricValue) -> list[str]:
    out = []
    for field in (*_FLOAT_FIELDS, *_INT_FIELDS):
        want, got = getattr(recomputed, field), getattr(recorded, field)
        if (want is None) != (got is None) or (want is not None and not _close(want, got)):
            out.append(f"{where}.{field}: recorded {got!r}, recomputed from samples {want!r}")
    return out


def _compare_task(
    where: str,
    metrics: Mapping[str, MetricValue],
    by_category: Mapping[str, Mapping[str, MetricValue]],
    recomputed_metrics: Mapping[str, MetricValue],
    recomputed_by_category: Mapping[str, Mapping[str, MetricValue]],
) -> list[str]:
    out = []
    for key, recorded in metrics.items():
        out += _compare_metric(f"{where}.metrics.{key}", recomputed_metrics[key], recorded)
    for cat, cat_metrics in by_category.items():
        for key, recorded in cat_metrics.items():
            fresh = recomputed_by_category.get(cat, {}).get(key)
            if fresh is None:
                out.append(f"{where}.by_category.{cat}.{key}: no samples to recompute it from")
            else:
                out += _compare_metric(f"{where}.by_category.{cat}.{key}", fresh, recorded)
    return out


def diff_json(a: Any, b: Any, path: str = "") -> list[str]:
    """Differences between two JSON-like values (floats within :data:`TOLERANCE`)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in a or key not in b:
                out.append(f"{sub}: only in {'the file' if key in a else 'the rebuild'}")
            else:
                out += diff_json(a[key], b[key], sub)
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items in the file, {len(b)} in the rebuild"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in diff_json(x, y, f"{path}[{i}]")
        ]
    return [] if _close(a, b) else [f"{path}: file {a!r}, rebuild {b!r}"]


def verify_leaderboard(path: str | Path) -> list[str]:
    """Recompute a leaderboard from its runs; return the differences (empty = verified).

    For every entry: re-aggregate ``samples.jsonl`` (with the run's seed) and compare it to the
    run's ``results.json`` and to the leaderboard row, the QA diagnostic blocks (failure
    taxonomy, retrieval guards, answer latency) included; then rebuild the whole leaderboard from
    the run directories and compare it field by field (build time and version excepted).
    """
    path = Path(path)
    board = Leaderboard.model_validate_json(path.read_text(encoding="utf-8"))
    base = path.parent
    problems: list[str] = []
    for entry in board.entries:
        run_dir = base / entry.run_path
        try:
            run = load_run(run_dir)
        except (OSError, ValueError) as exc:
            problems.append(f"{entry.label}: cannot read run {run_dir}: {exc}")
            continue
        if run.results.run_id != entry.run_id:
            problems.append(
                f"{entry.label}: {run_dir} holds run {run.results.run_id}, not {entry.run_id}"
            )
        for task, result in sorted(run.results.tasks.items()):
            extra_keys = set(entry.tasks[task].metrics) if task in entry.tasks else set()
            fresh = recompute_task_metrics(
                run.samples, task, run.results.spec.seed, metrics=set(result.metrics) | extra_keys
            )
            where = f"{entry.run_path}/results.json: {task}"
            problems += _compare_task(
                where, result.metrics, result.by_category, fresh.metrics, fresh.by_category
            )
            if task not in entry.tasks:
                problems.append(f"{path.name}: entry {entry.label} lacks task {task}")
                continue
            scores = entry.tasks[task]
            problems += _compare_task(
                f"{path.name}: entry {entry.label}.{task}",
                scores.metrics,
                scores.by_category,
                fresh.metrics,
                fresh.by_category,
            )
        problems += check_blocks(entry.run_path, run, entry.tasks.get("qa"), diff_json)
    try:
        rebuilt = build_leaderboard(
            [base / e.run_path for e in board.entries],
            seed=board.seed,
            base_dir=base,
            method=board.comparison_method,
            n_resamples=board.n_resamples,
            created_at=board.created_at,
            calibrations=[base / c for c in board.calibrations],
        )
    except (OSError, ValueError) as exc:
        return [*problems, f"{path.name}: cannot rebuild from the runs: {exc}"]
    problems += [
        f"{path.name}: {d}"
        for d in diff_json(
            board.model_dump(mode="json", exclude=_VOLATILE),
            rebuilt.model_dump(mode="json", exclude=_VOLATILE),
        )
    ]
    return problems
