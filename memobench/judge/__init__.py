"""LLM-as-judge scoring, judge calibration, abstention metrics, errata, length control."""

from ..datasets._errata import (
    Errata,
    ErrataMismatchError,
    ErratumItem,
    apply_errata,
    errata_report,
    load_errata,
)
from ..scoring._abstention import ABSTENTION_KEYS, abstention_scores, add_abstention_scores
from ._calibrate import (
    CalibrationReport,
    Decoy,
    JudgeCalibration,
    build_decoys,
    calibrate,
    cohens_kappa,
)
from ._judge import JUDGE_MODES, Judge, JudgeItem, Verdict, judge_prompt, run_spread, truncate_words
from ._length import length_stats
from ._parse import parse_verdict
from ._rundir import JUDGED_CATEGORIES, add_judged_scores, judge_score_key

__all__ = [
    "ABSTENTION_KEYS",
    "JUDGED_CATEGORIES",
    "JUDGE_MODES",
    "CalibrationReport",
    "Decoy",
    "Errata",
    "ErrataMismatchError",
    "ErratumItem",
    "Judge",
    "JudgeCalibration",
    "JudgeItem",
    "Verdict",
    "abstention_scores",
    "add_abstention_scores",
    "add_judged_scores",
    "apply_errata",
    "build_decoys",
    "calibrate",
    "cohens_kappa",
    "errata_report",
    "judge_prompt",
    "judge_score_key",
    "length_stats",
    "load_errata",
    "parse_verdict",
    "run_spread",
    "truncate_words",
]
