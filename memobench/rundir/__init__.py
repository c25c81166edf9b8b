"""The run-directory contract: typed records, file names, and how they are read and written.

Below the runner and the judge (both use it; it uses neither): ``header.json`` is a
:class:`RunHeader`, each line of ``answers.jsonl`` an :class:`AnswerRecord`, every file name
is in :mod:`._names`, ``samples.jsonl`` has one writer, and scoring is a function over the
typed records (:func:`score_records`) with a thin file-reading wrapper (:func:`score_run_dir`).
"""

from . import _names as names
from ._byo import score_prediction_file
from ._dataset import check_dataset, load_run_dataset, usage_report
from ._lock import RunLock
from ._records import AnswerError, AnswerRecord, RunHeader
from ._rundir import AnswerLog, RunDir, read_answer_log
from ._samples import write_samples
from ._schemas import render_rundir_schemas
from ._score import item_id_of, score_records, score_run_dir, task_options

__all__ = [
    "AnswerError",
    "AnswerLog",
    "AnswerRecord",
    "RunDir",
    "RunHeader",
    "RunLock",
    "check_dataset",
    "item_id_of",
    "load_run_dataset",
    "names",
    "read_answer_log",
    "render_rundir_schemas",
    "score_prediction_file",
    "score_records",
    "score_run_dir",
    "task_options",
    "usage_report",
    "write_samples",
]
