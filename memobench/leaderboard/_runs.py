"""Loading run directories and refusing to merge runs that are not comparable."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..results import RunResults, SampleRecord, load_samples


class IncompatibleRunsError(ValueError):
    """Runs that are not comparable: another dataset, task or scoring version, main metric,
    seed, item set, run option (limit, conversations, protocol, dedupe, errata, task options)
    or judge."""


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


#: Run options that change which items are asked or what the reader is shown; runs that
#: differ in any of them answer different questions (or the same ones differently posed).
#: ``task_options`` are compared per task instead (``tasks.<task>.options``): a run that did
#: not run the dialogue task is not made incomparable by its dialogue options.
COMPARED_OPTIONS = ("conversations", "limit", "protocol", "dedupe", "errata")

#: Judge fields that must agree for judged metrics to be comparable.
JUDGE_FIELDS = ("mode", "model", "prompt_sha256", "k")


def _differences(field: str, values: dict[str, list[str]]) -> list[str]:
    if len(values) <= 1:
        return []
    parts = "; ".join(f"{value} in {', '.join(runs)}" for value, runs in values.items())
    return [f"{field} differs: {parts}"]


def _value(value: object) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _item_sets(runs: list[LoadedRun]) -> list[str]:
    """Per task, runs must have scored the same items (an errored item is scored, as 0)."""
    problems = []
    by_task: dict[str, dict[str, set[str]]] = defaultdict(dict)
    for run in runs:
        for sample in run.samples:
            by_task[sample.task].setdefault(run.name, set()).add(sample.item_id)
    for task, sets in sorted(by_task.items()):
        union = set().union(*sets.values())
        if all(s == union for s in sets.values()) and len(sets) == len(
            [r for r in runs if task in r.results.tasks]
        ):
            continue
        parts = []
        for run in runs:
            if task not in run.results.tasks:
                continue
            have = sets.get(run.name, set())
            missing = sorted(union - have)
            example = f" (lacks {', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''})"
            parts.append(f"{len(have)} items in {run.name}" + (example if missing else ""))
        problems.append(f"tasks.{task} item set differs: " + "; ".join(parts))
    return problems


def check_compatible(runs: list[LoadedRun]) -> None:
    """Raise :class:`IncompatibleRunsError` listing every field on which the runs disagree.

    Compared: the dataset (name and sha256: a board holds one dataset), each task's version,
    scoring version, main metric and task options, the seed, the options in
    :data:`COMPARED_OPTIONS`, the judges of judged metrics, and the set of items each task scored.
    """
    problems: list[str] = []
    seen_ids: dict[str, list[str]] = defaultdict(list)
    fields: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    per_task: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        spec = run.results.spec
        seen_ids[run.results.run_id].append(str(run.path))
        fields["dataset.name"][spec.dataset.name].append(run.name)
        fields["dataset.sha256"][spec.dataset.sha256].append(run.name)
        fields["seed"][_value(spec.seed)].append(run.name)
        for option in COMPARED_OPTIONS:
            fields[f"options.{option}"][_value(spec.options.get(option))].append(run.name)
        options = spec.options.get("task_options") or {}
        for task, result in run.results.tasks.items():
            for field in ("task_version", "scoring_version", "main_metric"):
                per_task[(task, field)][_value(getattr(result, field))].append(run.name)
            per_task[(task, "options")][_value(options.get(task) or {})].append(run.name)
            for key, info in sorted((result.extra.get("judges") or {}).items()):
                judge = {f: info.get(f) for f in JUDGE_FIELDS}
                per_task[(task, f"judges.{key}")][_value(judge)].append(run.name)
    if len(fields["dataset.name"]) > 1:
        problems.append(
            "a leaderboard holds one dataset; build one board per dataset "
            "(memobench.leaderboard.build_leaderboards groups runs by dataset)"
        )
    for field, values in fields.items():
        problems += _differences(field, values)
    for (task, field), values in sorted(per_task.items()):
        problems += _differences(f"tasks.{task}.{field}", values)
    problems += [
        f"run_id {rid} appears twice: {', '.join(p)}" for rid, p in seen_ids.items() if len(p) > 1
    ]
    if not problems:
        problems = _item_sets(runs)
    if problems:
        raise IncompatibleRunsError(
            "refusing to merge runs that are not comparable:\n  " + "\n  ".join(problems)
        )
