"""LLM-as-judge scoring, judge calibration and length-capped judging.

Abstention and length statistics live in ``memobench.scoring``, errata in
``memobench.datasets``; ``length_stats`` is re-exported here for judged-score reports.
"""

from ..scoring import length_stats
from ._calibrate import (
    CalibrationReport,
    Decoy,
    JudgeCalibration,
    build_decoys,
    calibrate,
    cohens_kappa,
)
from ._datasets import DATASET_JUDGES, OFFICIAL, DatasetJudge, make_judge
from ._ds_rundir import add_dataset_judged_scores, dataset_key, dataset_scores
from ._judge import JUDGE_MODES, Judge, JudgeItem, Verdict, judge_prompt, run_spread, truncate_words
from ._parse import parse_verdict
from ._rundir import JUDGED_CATEGORIES, add_judged_scores, judge_score_key

__all__ = [
    "DATASET_JUDGES",
    "JUDGED_CATEGORIES",
    "JUDGE_MODES",
    "OFFICIAL",
    "CalibrationReport",
    "DatasetJudge",
    "Decoy",
    "Judge",
    "JudgeCalibration",
    "JudgeItem",
    "Verdict",
    "add_dataset_judged_scores",
    "add_judged_scores",
    "build_decoys",
    "calibrate",
    "cohens_kappa",
    "dataset_key",
    "dataset_scores",
    "judge_prompt",
    "judge_score_key",
    "length_stats",
    "make_judge",
    "parse_verdict",
    "run_spread",
    "truncate_words",
]
