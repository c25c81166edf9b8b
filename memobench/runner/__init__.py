"""The runner: ingest → ask → stream answers → score, resumable, with provenance."""

from ._config import DEFAULT_MODEL, RunConfig
from ._errors import TooManyErrors
from ._estimate import RunEstimate, estimate_run
from ._lock import RunDirLock, RunDirLocked
from ._run import RunConflictError, Runner, baseline_config, run
from ._rundir import RunDir, read_answer_lines
from ._score import load_run_dataset, rescore_run, score_run_dir, usage_report

__all__ = [
    "DEFAULT_MODEL",
    "RunConfig",
    "RunConflictError",
    "RunDir",
    "RunDirLock",
    "RunDirLocked",
    "RunEstimate",
    "Runner",
    "TooManyErrors",
    "baseline_config",
    "estimate_run",
    "load_run_dataset",
    "read_answer_lines",
    "rescore_run",
    "run",
    "score_run_dir",
    "usage_report",
]
