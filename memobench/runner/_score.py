"""Scoring a run directory from its stored answers (no agent is ever asked again)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .._util.files import atomic_write_text, read_jsonl
from .._util.provenance import Provenance
from ..datasets import LoadedDataset, load_dataset
from ..llm import UsageRow
from ..registry import tasks as task_registry
from ..results import PhaseUsageReport, RunResults, RunSpec, aggregate_task
from ..scoring import length_stats
from ._rundir import RunDir


def usage_report(run_dir: RunDir) -> dict[str, PhaseUsageReport]:
    report = run_dir.total_meter().report()

    def conv(row: UsageRow) -> PhaseUsageReport:
        return PhaseUsageReport(
            calls=row.calls,
            cache_hits=row.cache_hits,
            prompt_tokens=row.prompt_tokens,
            completion_tokens=row.completion_tokens,
            cached_tokens=row.cached_tokens,
            cost_usd=row.cost_usd,
            latency_p50_s=row.latency_p50_s,
            latency_p95_s=row.latency_p95_s,
        )

    out = {row.phase: conv(row) for row in report.by_phase}
    out["total"] = conv(report.total)
    return out


def load_run_dataset(spec: RunSpec, data_path: str | None = None) -> LoadedDataset:
    """The dataset a run was made on (its recorded path, else its name), checked by sha256."""
    source = (
        spec.dataset.path
        if spec.dataset.path and Path(spec.dataset.path).is_file()
        else spec.dataset.name
    )
    ds = load_dataset(source, data_path=data_path, dedupe=bool(spec.options.get("dedupe")))
    if ds.sha256 != spec.dataset.sha256:
        raise ValueError(f"dataset sha256 {ds.sha256} differs from the run's {spec.dataset.sha256}")
    return ds


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
    task: Any,
    ds: LoadedDataset,
    convs: list[Any],
    samples: list[Any],
    answers: dict[str, Any],
    options: dict[str, Any],
    name: str,
) -> tuple[list[Any], dict[str, Any]]:
    """Raw and errata-corrected scores side by side (``f1`` and ``f1_errata`` per item)."""
    from ..datasets import apply_errata, errata_report

    fixed = apply_errata(ds, name)
    keep = {c.sample_id for c in convs}
    fixed_convs = [c for c in fixed.conversations if c.sample_id in keep]
    corrected = {s.item_id: s.scores for s in task.score(fixed_convs, answers, options=options)}
    out = [
        s.model_copy(update={"scores": {**s.scores, "f1_errata": corrected[s.item_id]["f1"]}})
        for s in samples
    ]
    return out, {"name": name, "ceiling_under_raw_gold": errata_report(ds, name)}


def fill_missing(
    task: Any,
    convs: list[Any],
    samples: list[Any],
    options: dict[str, Any],
    errored: dict[tuple[str, str], dict[str, Any]],
) -> tuple[list[Any], int]:
    """Every item the run should have answered gets a sample; one never answered (missing or
    errored) scores 0 on every metric the task reports, so a partial run is never scored on
    its answered subset. Returns the samples in item order and how many were missing."""
    from ..results import SampleRecord

    have = {s.item_id: s for s in samples}
    keys = sorted({k for s in samples for k, v in s.scores.items() if v is not None})
    keys = keys or [task.main_metric]
    out: list[Any] = []
    missing = 0
    for conv in convs:
        for item in task.items(conv, limit=options.get("limit"), options=options):
            item_id = getattr(item, "qa_id", None) or item.item_id
            sample = have.pop(item_id, None)
            if sample is None:
                sample = SampleRecord(
                    task=task.name,
                    item_id=item_id,
                    conversation_id=conv.sample_id,
                    prediction=None,
                    scores=dict.fromkeys(keys, 0.0),
                )
            if sample.prediction is None:
                missing += 1
                err = errored.get((task.name, item_id))
                if err is not None and "error" not in sample.extra:
                    sample = sample.model_copy(
                        update={"extra": {**sample.extra, "error": err["error"]}}
                    )
            out.append(sample)
    return out + list(have.values()), missing


def _error_counts(errored: dict[tuple[str, str], dict[str, Any]], task: str) -> dict[str, Any]:
    by_conv: dict[str, int] = {}
    for (t, _), rec in errored.items():
        if t == task:
            conv = str(rec.get("conversation_id"))
            by_conv[conv] = by_conv.get(conv, 0) + 1
    return {"count": sum(by_conv.values()), "by_conversation": dict(sorted(by_conv.items()))}


def score_run_dir(
    path: Path,
    *,
    ds: LoadedDataset | None = None,
    data_path: str | None = None,
    wall_time_s: float | None = None,
    errata: str | None = None,
) -> RunResults:
    """(Re)compute ``samples.jsonl`` and ``results.json`` from ``answers.jsonl``."""
    run_dir = RunDir(path)
    header = run_dir.read_header()
    if header is None:
        raise FileNotFoundError(f"{path} is not a run directory (no header.json)")
    spec = RunSpec.model_validate(header["spec"])
    if ds is None:
        ds = load_run_dataset(spec, data_path)
    elif ds.sha256 != spec.dataset.sha256:
        raise ValueError(f"dataset sha256 {ds.sha256} differs from the run's {spec.dataset.sha256}")
    wanted = spec.options.get("conversations")
    convs = [c for c in ds.conversations if not wanted or c.sample_id in wanted]
    answers = run_dir.done()
    errored = run_dir.errors()
    # Judged scores depend only on the stored prediction: keep them across rescoring.
    previous_samples = (
        {(r["task"], r["item_id"]): r for r in read_jsonl(run_dir.samples)}
        if run_dir.samples.is_file()
        else {}
    )
    previous_extra = {}
    if run_dir.results.is_file():
        old_results = json.loads(run_dir.results.read_text())
        previous_extra = {k: v.get("extra", {}) for k, v in old_results.get("tasks", {}).items()}
    samples_all = []
    tasks = {}
    for name in spec.tasks:
        task = task_registry.get(name)()  # type: ignore[operator]
        options = {
            "limit": spec.options.get("limit"),
            "seed": spec.seed,
            "protocol": spec.options.get("protocol", "locomo"),
            **(spec.options.get("task_options") or {}).get(name, {}),
        }
        task_answers = {item_id: rec for (t, item_id), rec in answers.items() if t == name}
        samples = _keep_judged(task.score(convs, task_answers, options=options), previous_samples)
        samples, missing = fill_missing(task, convs, samples, options, errored)
        extra: dict[str, Any] = {"missing": missing, "errors": _error_counts(errored, name)}
        if name == "qa":
            gold = {q.qa_id: q.answer for c in convs for q in c.qa}
            extra.update(length_stats(samples, gold))
        if "judges" in previous_extra.get(name, {}):
            extra["judges"] = previous_extra[name]["judges"]
        errata_name = errata or spec.options.get("errata")
        if name == "qa" and errata_name:
            samples, extra["errata"] = _with_errata(
                task, ds, convs, samples, task_answers, options, errata_name
            )
        tasks[name] = aggregate_task(
            samples,
            task=name,
            task_version=spec.tasks[name],
            scoring_version=task.scoring_version,
            main_metric=task.main_metric,
            seed=spec.seed,
            extra=extra,
        )
        samples_all.extend(samples)
    previous = json.loads(run_dir.results.read_text()) if run_dir.results.is_file() else {}
    results = RunResults(
        run_id=header["run_id"],
        config_hash=header["config_hash"],
        spec=spec,
        provenance=Provenance.model_validate(header["provenance"]),
        tasks=tasks,
        usage=usage_report(run_dir),
        smoke_test=bool(header.get("smoke_test")),
        wall_time_s=wall_time_s if wall_time_s is not None else previous.get("wall_time_s"),
    )
    atomic_write_text(
        run_dir.samples,
        "".join(
            json.dumps(s.model_dump(mode="json"), sort_keys=True, ensure_ascii=False) + "\n"
            for s in samples_all
        ),
    )
    atomic_write_text(run_dir.results, results.model_dump_json(indent=2))
    return results


def rescore_run(
    path: Path,
    *,
    data_path: str | None = None,
    judge: str | None = None,
    judge_model: str | None = None,
    errata: str | None = None,
) -> RunResults:
    """``memobench score RUN_DIR``: recompute scores with the current scoring code."""
    results = score_run_dir(path, data_path=data_path, errata=errata)
    if judge is not None:
        from ..judge import add_judged_scores  # issue 8

        results = add_judged_scores(path, judge=judge, judge_model=judge_model, data_path=data_path)
    return results
