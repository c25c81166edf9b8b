"""Scoring a run from its typed records: answers in, samples and results out (no agent call).

:func:`score_records` is the pure part (no file I/O); :func:`score_run_dir` reads the run
directory, calls it and writes ``samples.jsonl`` and ``results.json``.

"Missing = 0, and counted" holds for every task here, not per task: an item the task would
ask that has no answer (never asked, or errored) becomes a sample with no prediction and 0
for each of the task's scores, and ``extra["missing"]`` / ``extra["errors"]`` count them.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._util.files import read_jsonl
from ..data import Conversation
from ..datasets import LoadedDataset
from ..registry import tasks as task_registry
from ..results import RunResults, RunSpec, SampleRecord, aggregate_task
from ..tasks import Task, errata_metric, task_report
from ._dataset import check_dataset, load_run_dataset, usage_report
from ._records import AnswerRecord, RunHeader
from ._rundir import AnswerLog, RunDir
from ._samples import write_samples


def task_options(spec: RunSpec, name: str) -> dict[str, Any]:
    """The options a task was run with, rebuilt from the spec (the runner uses the same)."""
    return {
        "limit": spec.options.get("limit"),
        "seed": spec.seed,
        "protocol": spec.options.get("protocol", "locomo"),
        **(spec.options.get("task_options") or {}).get(name, {}),
    }


def item_id_of(item: Any) -> str:
    """The id of a task item (every task's items have a ``str`` ``item_id``)."""
    return str(item.item_id)


def _keep_judged(samples: list[Any], previous: dict[tuple[str, str], dict[str, Any]]) -> list[Any]:
    out = []
    for s in samples:
        old = previous.get((s.task, s.item_id))
        if old is not None and old.get("prediction") == s.prediction:
            judged = {k: v for k, v in old.get("scores", {}).items() if k.startswith("judge_")}
            if judged:
                s = s.model_copy(update={"scores": {**s.scores, **judged}})
        out.append(s)
    return out


def _with_errata(
    task: Task,
    metric: str,
    ds: LoadedDataset,
    convs: list[Conversation],
    samples: list[SampleRecord],
    answers: dict[str, dict[str, Any]],
    options: dict[str, Any],
    name: str,
) -> tuple[list[SampleRecord], dict[str, Any]]:
    """Raw and errata-corrected scores side by side (``<metric>`` and ``<metric>_errata``)."""
    from ..datasets import apply_errata, errata_report

    fixed = apply_errata(ds, name)
    keep = {c.sample_id for c in convs}
    fixed_convs = [c for c in fixed.conversations if c.sample_id in keep]
    corrected = {s.item_id: s.scores for s in task.score(fixed_convs, answers, options=options)}
    key = f"{metric}_errata"
    out = [
        s.model_copy(
            update={"scores": {**s.scores, key: corrected.get(s.item_id, {}).get(metric, 0.0)}}
        )
        for s in samples
    ]
    return out, {"name": name, "ceiling_under_raw_gold": errata_report(ds, name)}


def _fill_missing(
    task: Task, convs: list[Conversation], samples: list[SampleRecord], options: dict[str, Any]
) -> tuple[list[SampleRecord], int]:
    """Add a 0-scored sample for every item the task asks that has none; return the count."""
    have = {s.item_id for s in samples}
    keys = sorted({k for s in samples for k in s.scores} or {task.main_metric})
    added = [
        SampleRecord(
            task=task.name,
            item_id=item_id_of(item),
            conversation_id=c.sample_id,
            prediction=None,
            scores=dict.fromkeys(keys, 0.0),
        )
        for c in convs
        for item in task.items(c, limit=options.get("limit"), options=options)
        if item_id_of(item) not in have
    ]
    return samples + added, len(added)


def _error_report(errored: list[AnswerRecord]) -> dict[str, Any]:
    by_conv = Counter(r.conversation_id for r in errored)
    types = Counter(r.error.type for r in errored if r.error is not None)
    return {
        "count": len(errored),
        "by_conversation": dict(sorted(by_conv.items())),
        "by_type": dict(sorted(types.items())),
    }


def score_records(
    header: RunHeader,
    ds: LoadedDataset,
    answers: AnswerLog,
    *,
    previous_samples: dict[tuple[str, str], dict[str, Any]] | None = None,
    previous_extra: dict[str, dict[str, Any]] | None = None,
    errata: str | None = None,
    scored: Callable[[int], None] | None = None,
) -> tuple[dict[str, Any], list[SampleRecord]]:
    """Task results and samples for ``answers`` (pure: reads and writes no file).

    ``scored(n)`` is told after each task how many of its answers were scored (progress)."""
    spec = header.spec
    check_dataset(ds, spec)
    wanted = spec.options.get("conversations")
    convs = [c for c in ds.conversations if not wanted or c.sample_id in wanted]
    previous_samples = previous_samples or {}
    previous_extra = previous_extra or {}
    samples_all: list[SampleRecord] = []
    tasks: dict[str, Any] = {}
    for name in spec.tasks:
        task: Task = task_registry.get(name)()
        options = task_options(spec, name)
        task_answers = {
            item_id: rec.model_dump(mode="json", exclude={"error"})
            for (t, item_id), rec in answers.answered.items()
            if t == name
        }
        samples = _keep_judged(task.score(convs, task_answers, options=options), previous_samples)
        samples, _ = _fill_missing(task, convs, samples, options)
        extra = task_report(task, convs, samples, options=options)
        if "judges" in previous_extra.get(name, {}):
            extra["judges"] = previous_extra[name]["judges"]
        errata_name = errata or spec.options.get("errata")
        metric = errata_metric(task)
        if metric and errata_name:
            samples, extra["errata"] = _with_errata(
                task, metric, ds, convs, samples, task_answers, options, errata_name
            )
        n_missing = sum(s.prediction is None for s in samples)
        if n_missing:  # never asked, or errored: scored 0 above, and counted here
            extra["missing"] = n_missing
        errored = [r for (t, _), r in sorted(answers.errored.items()) if t == name]
        if errored:
            extra["errors"] = _error_report(errored)
        tasks[name] = aggregate_task(
            samples,
            task=name,
            task_version=spec.tasks[name],
            scoring_version=task.scoring_version,
            main_metric=task.main_metric,
            seed=spec.seed,
            extra=extra,
            conversations=convs,
            answers=task_answers,
        )
        samples_all.extend(samples)
        if scored is not None:
            scored(len(task_answers))
    return tasks, samples_all


def score_run_dir(
    path: Path,
    *,
    ds: LoadedDataset | None = None,
    data_path: str | None = None,
    wall_time_s: float | None = None,
    errata: str | None = None,
    progress: Any = None,
) -> RunResults:
    """(Re)compute ``samples.jsonl`` and ``results.json`` from ``answers.jsonl``.

    ``progress``: a :mod:`memobench.progress` reporter; its ``score`` phase counts answers."""
    run_dir = RunDir(path)
    header = run_dir.require_header()
    if ds is None:
        ds = load_run_dataset(header.spec, data_path, path)
    # Judged scores depend only on the stored prediction: keep them across rescoring.
    previous_samples = (
        {(r["task"], r["item_id"]): r for r in read_jsonl(run_dir.samples)}
        if run_dir.samples.is_file()
        else {}
    )
    previous: dict[str, Any] = {}
    if run_dir.results.is_file():
        previous = json.loads(run_dir.results.read_text(encoding="utf-8"))
    previous_extra = {k: v.get("extra", {}) for k, v in previous.get("tasks", {}).items()}
    answers = run_dir.answer_log()
    scored = None
    if progress is not None:
        progress.start("score", len(answers.answered))
        scored = functools.partial(progress.advance, "score")
    tasks, samples = score_records(
        header,
        ds,
        answers,
        previous_samples=previous_samples,
        previous_extra=previous_extra,
        errata=errata,
        scored=scored,
    )
    results = RunResults(
        run_id=header.run_id,
        config_hash=header.config_hash,
        spec=header.spec,
        provenance=header.provenance,
        tasks=tasks,
        usage=usage_report(run_dir),
        smoke_test=header.smoke_test,
        wall_time_s=wall_time_s if wall_time_s is not None else previous.get("wall_time_s"),
    )
    write_samples(run_dir.samples, samples)
    from .._util.files import atomic_write_text

    atomic_write_text(run_dir.results, results.model_dump_json(indent=2))
    return results
