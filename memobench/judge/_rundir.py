"""``add_judged_scores``: add LLM-judged per-item scores to a run directory (no agent calls)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from .._util.files import atomic_write_text
from ..datasets import LoadedDataset
from ..llm import LLMClient, Meter, phase, use_meter
from ..results import RunResults, RunSpec, SampleRecord, aggregate_task, load_samples
from ..rundir import RunDir, load_run_dataset, score_run_dir, usage_report, write_samples
from ..scoring import gold_for_scoring
from ._judge import Judge, JudgeItem, run_spread, truncate_words

#: Categories the judge grades: 1–4 (J convention; category 5 is scored as abstention).
JUDGED_CATEGORIES = frozenset({1, 2, 3, 4})


def judge_score_key(mode: str, max_answer_words: int | None = None) -> str:
    """``judge_strict``; length-capped scores get their own key (``judge_strict_w10``) so
    capped and uncapped numbers sit side by side instead of overwriting each other."""
    return f"judge_{mode}" + (f"_w{max_answer_words}" if max_answer_words else "")


def prepared_run(
    path: Path | str, ds: LoadedDataset | None, data_path: str | None
) -> tuple[Path, RunDir, RunSpec, LoadedDataset]:
    """A run directory ready to judge: its header read, its dataset loaded (unless given) and
    its answers scored (judges add to ``samples.jsonl`` and ``results.json``)."""
    path = Path(path)
    run_dir = RunDir(path)
    spec = run_dir.require_header().spec
    if ds is None:
        ds = load_run_dataset(spec, data_path, path)
    if not run_dir.samples.is_file() or not run_dir.results.is_file():
        score_run_dir(path, ds=ds)
    return path, run_dir, spec, ds


def add_judged_scores(
    path: Path | str,
    *,
    judge: str,
    judge_model: str | LLMClient | None,
    data_path: str | None = None,
    k: int = 1,
    max_answer_words: int | None = None,
    ds: LoadedDataset | None = None,
) -> RunResults:
    """Judge the QA answers of a run (categories 1–4) and re-aggregate ``results.json``.

    Adds ``scores["judge_<mode>"]`` (1.0/0.0, the mean over k judgments, or None on judge
    error / category 5) to every QA sample, appends the judge's usage (phase ``judge``) to
    ``usage.jsonl`` and records model, prompt sha256, k and error count in
    ``tasks["qa"].extra["judges"][key]``. Judge calls are cached, so a rerun makes none.
    """
    if judge_model is None:
        raise ValueError("--judge needs --judge-model")
    path, run_dir, spec, ds = prepared_run(path, ds, data_path)
    judge_ = Judge(judge, judge_model, k=k)
    key = judge_score_key(judge, max_answer_words)
    index = {q.qa_id: q for c in ds.conversations for q in c.qa}
    samples = load_samples(path)

    todo: list[tuple[int, JudgeItem]] = []
    new_scores: dict[int, float | None] = {}
    for i, s in enumerate(samples):
        if s.task != "qa":
            continue
        q = index.get(s.item_id)
        if q is None or int(q.category) not in JUDGED_CATEGORIES or q.answer is None:
            new_scores[i] = None
        elif not s.prediction or not s.prediction.strip():
            new_scores[i] = 0.0  # a missing answer is wrong, as in every other QA score
        else:
            gold = gold_for_scoring(q.answer, q.category)
            answer = truncate_words(s.prediction, max_answer_words)
            todo.append((i, JudgeItem(question=q.question, gold=gold, answer=answer)))

    meter = Meter()
    with use_meter(meter), phase("judge"):
        verdicts = asyncio.run(judge_.judge_many([it for _, it in todo]))
    run_dir.append_usage(meter)

    extras: dict[int, dict[str, object]] = {}
    for (i, _), v in zip(todo, verdicts, strict=True):
        new_scores[i] = v.score
        extras[i] = {"labels": list(v.labels), "reasoning": v.reasoning}
    updated: list[SampleRecord] = []
    for i, s in enumerate(samples):
        if i in new_scores:
            extra = dict(s.extra)
            if i in extras:
                extra[key] = extras[i]
            s = s.model_copy(update={"scores": {**s.scores, key: new_scores[i]}, "extra": extra})
        updated.append(s)
    write_samples(run_dir.samples, updated)

    results = RunResults.model_validate_json(run_dir.results.read_text(encoding="utf-8"))
    old = results.tasks["qa"]
    judges = dict(old.extra.get("judges", {}))
    judges[key] = {
        **judge_.identity(),
        "max_answer_words": max_answer_words,
        "n_judged": len(todo),
        "n_errors": sum(v.score is None for v in verdicts),
        "n_failed_judgments": sum(v.n_errors for v in verdicts),
        **({"k_runs": run_spread(verdicts)} if k > 1 else {}),
    }
    return write_judged_results(run_dir, results, updated, judges, seed=spec.seed)


def write_judged_results(
    run_dir: RunDir,
    results: RunResults,
    updated: list[SampleRecord],
    judges: dict[str, object],
    *,
    seed: int,
) -> RunResults:
    """Re-aggregate QA from the judged ``updated`` samples with ``judges`` recorded, write
    ``results.json`` atomically and return it (shared by the LoCoMo and the dataset judges)."""
    old = results.tasks["qa"]
    qa = aggregate_task(
        [s for s in updated if s.task == "qa"],
        task="qa",
        task_version=old.task_version,
        scoring_version=old.scoring_version,
        main_metric=old.main_metric,
        seed=seed,
        extra={**old.extra, "judges": judges},
    )
    results = results.model_copy(
        update={"tasks": {**results.tasks, "qa": qa}, "usage": usage_report(run_dir)}
    )
    atomic_write_text(run_dir.results, results.model_dump_json(indent=2))
    return results
