"""``rescore_run``: recompute a run's scores (and optionally judge it) with the current code."""

from __future__ import annotations

from pathlib import Path

from ..results import RunResults
from ..rundir import score_run_dir


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
        from ..judge import add_judged_scores  # the judge sits above the runner: import late

        results = add_judged_scores(path, judge=judge, judge_model=judge_model, data_path=data_path)
    return results
