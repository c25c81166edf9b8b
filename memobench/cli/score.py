"""``memobench score``: score predictions made by any system, or rescore a run directory."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..results import RunResults

from ._common import console, data_path_option, fail, print_task_results


@click.command()
@click.argument("run_dir", required=False, type=click.Path(file_okay=False, exists=True))
@click.option(
    "--dataset",
    "dataset_name",
    default="locomo10",
    show_default=True,
    help="Registry name or LoCoMo-format file.",
)
@click.option(
    "--predictions",
    type=click.Path(exists=True, dir_okay=False),
    help='JSONL: {"qa_id": "conv-26:q0", "prediction": "...", "retrieved": [...]}',
)
@click.option(
    "--out", type=click.Path(file_okay=False), help="Directory for samples.jsonl and results.json."
)
@data_path_option
@click.option("--seed", default=0, show_default=True, help="Seed of the bootstrap CIs.")
@click.option(
    "--judge",
    type=click.Choice(["lenient", "strict"]),
    default=None,
    help="Add LLM-judged scores (needs --judge-model).",
)
@click.option(
    "--judge-model", default=None, help="Model spec of the judge, e.g. openai:gpt-4o-mini."
)
@click.option(
    "--errata", default=None, help="Also score against corrected gold (errata/<NAME>.toml)."
)
def score(
    run_dir: str | None,
    dataset_name: str,
    predictions: str | None,
    out: str | None,
    data_path: str | None,
    seed: int,
    judge: str | None,
    judge_model: str | None,
    errata: str | None,
) -> None:
    """Score a predictions file (--predictions ... --out DIR), or rescore RUN_DIR in place.

    Rescoring recomputes every score from the stored answers: no agent is asked again.
    """
    from ..errors import MemobenchError

    if run_dir is not None:
        from ..runner import rescore_run

        try:
            results = rescore_run(
                Path(run_dir), data_path=data_path, judge=judge, judge_model=judge_model
            )
        except (FileNotFoundError, ValueError, MemobenchError) as exc:
            fail(str(exc))
        _print(results)
        return
    if predictions is None or out is None:
        fail("give RUN_DIR, or --predictions FILE and --out DIR")
    from ..rundir import score_prediction_file
    from ..scoring import PredictionFileError
    from ._common import load_dataset_or_fail

    ds = load_dataset_or_fail(dataset_name, data_path)
    try:
        results, problems = score_prediction_file(ds, Path(predictions), Path(out), seed=seed)
    except (PredictionFileError, MemobenchError) as exc:
        fail(str(exc))
    for line in problems:
        click.echo(f"warning: {line}", err=True)
    _print(results)
    click.echo(f"wrote {Path(out) / 'samples.jsonl'} and {Path(out) / 'results.json'}")


def _print(results: RunResults) -> None:
    print_task_results(console(), results)
