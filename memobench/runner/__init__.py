"""The runner: ingest → ask → stream answers → score, resumable, with provenance."""

from ._config import DEFAULT_MODEL, RunConfig
from ._estimate import RunEstimate, estimate_run
from ._run import RunConflictError, Runner, baseline_config, run
from ._rundir import RunDir
from ._score import load_run_dataset, rescore_run, score_run_dir, usage_report

__all__ = [
    "DEFAULT_MODEL",
    "RunConfig",
    "RunConflictError",
    "RunDir",
    "RunEstimate",
    "Runner",
    "baseline_config",
    "estimate_run",
    "load_run_dataset",
    "rescore_run",
    "run",
    "score_run_dir",
    "usage_report",
]
