"""Loading run directories and refusing to merge runs that are not comparable."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..results import RunResults, SampleRecord, load_samples


class IncompatibleRunsError(ValueError):
    """Runs that differ in dataset, task version, scoring version or main metric."""


@dataclass(frozen=True)
class LoadedRun:
    """A run directory's ``results.json`` and ``samples.jsonl``."""

    path: Path
    results: RunResults
    samples: list[SampleRecord]

    @property
    def name(self) -> str:
        return f"{self.results.run_id} ({self.path})"


def load_run(run_dir: str | Path) -> LoadedRun:
    """Read a run directory; raises ``FileNotFoundError``/``ValueError`` naming the file."""
    path = Path(run_dir)
    results_file = path / "results.json"
    if not results_file.is_file():
        raise FileNotFoundError(f"{results_file} not found (is {path} a run directory?)")
    try:
        results = RunResults.model_validate_json(results_file.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{results_file} is not a valid results file: {exc}") from exc
    samples_file = path / "samples.jsonl"
    if not samples_file.is_file():
        raise FileNotFoundError(f"{samples_file} not found: paired tests and verify need it")
    return LoadedRun(path=path, results=results, samples=load_samples(samples_file))


def _differences(field: str, values: dict[str, list[str]]) -> list[str]:
    if len(values) <= 1:
        return []
    parts = "; ".join(f"{value} in {', '.join(runs)}" for value, runs in values.items())
    return [f"{field} differs: {parts}"]


def check_compatible(runs: list[LoadedRun]) -> None:
    """Raise :class:`IncompatibleRunsError` listing every field on which the runs disagree."""
    problems: list[str] = []
    seen_ids: dict[str, list[str]] = defaultdict(list)
    sha: dict[str, list[str]] = defaultdict(list)
    per_task: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        seen_ids[run.results.run_id].append(str(run.path))
        sha[run.results.spec.dataset.sha256].append(run.name)
        for task, result in run.results.tasks.items():
            for field in ("task_version", "scoring_version", "main_metric"):
                per_task[(task, field)][json.dumps(getattr(result, field))].append(run.name)
    problems += _differences("dataset.sha256", sha)
    for (task, field), values in sorted(per_task.items()):
        problems += _differences(f"tasks.{task}.{field}", values)
    problems += [
        f"run_id {rid} appears twice: {', '.join(p)}" for rid, p in seen_ids.items() if len(p) > 1
    ]
    if problems:
        raise IncompatibleRunsError(
            "refusing to merge runs that are not comparable:\n  " + "\n  ".join(problems)
        )
