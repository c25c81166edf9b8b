"""``memobench judge``: judged scores for a run directory, and judge calibration."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ._common import data_path_option, fail
from ._lazy import UserErrorGroup

# LoCoMo's J prompts, and the official judges of the datasets beyond LoCoMo (issue 12).
_MODES = click.Choice(["lenient", "strict", "longmemeval", "beam", "locomo-plus"])
_OFFICIAL_HELP = (
    "Reproduce an upstream judge behaviour for parity (repeatable): official_substring "
    "(longmemeval), official_unfilled_question / official_int_truncation (beam), "
    "official_parse (locomo-plus). Default: corrected."
)


@click.group(cls=UserErrorGroup)
def judge() -> None:
    """LLM-as-judge scoring and calibration."""


@judge.command("run")
@click.argument("run_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--judge", "mode", type=_MODES, required=True, help="Judge prompt.")
@click.option("--judge-model", required=True, help="Model spec, e.g. openai:gpt-4o-mini.")
@click.option(
    "--k",
    default=1,
    show_default=True,
    help="Judgments per answer (k > 1 samples at temperature > 0).",
)
@click.option(
    "--max-answer-words",
    type=int,
    default=None,
    help="Truncate predictions to N words before judging.",
)
@click.option("--official", multiple=True, help=_OFFICIAL_HELP)
@data_path_option
def run_cmd(
    run_dir: str,
    mode: str,
    judge_model: str,
    k: int,
    max_answer_words: int | None,
    official: tuple[str, ...],
    data_path: str | None,
) -> None:
    """Add judge_<mode> scores to RUN_DIR (no agent calls; judge calls are cached)."""
    from ..judge import DATASET_JUDGES, add_judged_scores, judge_score_key

    if mode in DATASET_JUDGES:
        _dataset_judge(run_dir, mode, judge_model, official, data_path)
        return
    if official:
        fail("--official applies to the dataset judges (longmemeval, beam, locomo-plus)")
    try:
        res = add_judged_scores(
            Path(run_dir),
            judge=mode,
            judge_model=judge_model,
            data_path=data_path,
            k=k,
            max_answer_words=max_answer_words,
        )
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    key = judge_score_key(mode, max_answer_words)
    qa = res.tasks["qa"]
    m, info = qa.metrics.get(key), qa.extra["judges"][key]
    value = "n/a" if m is None or m.value is None else f"{m.value:.4f} (n={m.n})"
    click.echo(
        f"{key}: {value}  judge errors: {info['n_errors']}  "
        f"prompt sha256 {info['prompt_sha256'][:12]}"
    )


@judge.command("calibrate")
@click.option(
    "--judge",
    "modes",
    type=_MODES,
    multiple=True,
    required=True,
    help="Judge prompt; give twice (strict and lenient) for Cohen's kappa.",
)
@click.option(
    "--judge-model",
    "models",
    multiple=True,
    required=True,
    help="Model spec; one for all judges or one per --judge.",
)
@click.option("--dataset", "dataset_name", default="locomo10", show_default=True)
@data_path_option
@click.option(
    "--n", default=50, show_default=True, help="Questions to build decoys from (6 decoys each)."
)
@click.option("--seed", default=0, show_default=True)
@click.option("--k", default=1, show_default=True, help="Judgments per decoy.")
@click.option(
    "--out", type=click.Path(dir_okay=False), default=None, help="Write the JSON report here."
)
def calibrate_cmd(
    modes: tuple[str, ...],
    models: tuple[str, ...],
    dataset_name: str,
    data_path: str | None,
    n: int,
    seed: int,
    k: int,
    out: str | None,
) -> None:
    """Grade a deterministic decoy set: TPR, FPR per judge, acceptance per decoy kind, kappa."""
    from ..judge import build_decoys, calibrate, make_judge
    from ._common import load_dataset_or_fail

    if len(models) not in (1, len(modes)):
        fail("give one --judge-model, or one per --judge")
    specs = models * len(modes) if len(models) == 1 else models
    ds = load_dataset_or_fail(dataset_name, data_path)
    decoys = build_decoys(ds.conversations, n=n, seed=seed)
    try:
        judges = [make_judge(m, s, k=k) for m, s in zip(modes, specs, strict=True)]
    except ValueError as exc:
        fail(str(exc))
    report = calibrate(judges, decoys, dataset=ds.name, dataset_sha256=ds.sha256, seed=seed)
    for cal in report.judges:
        kinds = ", ".join(
            f"{kk} {v:.2f}" for kk, v in cal.acceptance_by_kind.items() if v is not None
        )
        click.echo(
            f"{cal.judge} ({cal.model}, prompt {cal.prompt_sha256[:12]}): "
            f"TPR {_f(cal.tpr)} FPR {_f(cal.fpr)} errors {cal.n_errors}/{cal.n}; accepted: {kinds}"
        )
    if report.kappa is not None:
        click.echo(f"Cohen's kappa: {report.kappa:.3f} ({len(report.disagreements)} disagreements)")
    if out:
        Path(out).write_text(
            json.dumps(report.model_dump(mode="json"), indent=2) + "\n", encoding="utf-8"
        )
        click.echo(f"wrote {out}")


def _dataset_judge(
    run_dir: str, mode: str, judge_model: str, official: tuple[str, ...], data_path: str | None
) -> None:
    from ..judge import add_dataset_judged_scores, dataset_key

    try:
        res = add_dataset_judged_scores(
            Path(run_dir),
            dataset=mode,
            judge_model=judge_model,
            official=official,
            data_path=data_path,
        )
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    key = dataset_key(mode, official)
    info = res.tasks["qa"].extra["judges"][key]
    click.echo(
        f"{key}: judged {info['n_judged']}, judge errors {info['n_errors']}, "
        f"prompt sha256 {info['prompt_sha256'][:12]}, official options "
        f"{', '.join(info['official_options']) or 'none (corrected)'}"
    )
    for name, value in info["dataset_scores"].items():
        click.echo(f"  {name}: {'n/a' if value is None else f'{value:.4f}'}")


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"
