"""The runner: ingest → ask → stream answers → score, resumable, with provenance."""

from ..rundir import RunDir, load_run_dataset, score_run_dir, usage_report
from ._config import DEFAULT_MODEL, RunConfig
from ._estimate import RunEstimate, estimate_run
from ._run import RunConflictError, Runner, prefetched, run
from ._score import rescore_run
from ._spec import baseline_config

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
    "prefetched",
    "rescore_run",
    "run",
    "score_run_dir",
    "usage_report",
]
