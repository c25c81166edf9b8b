"""Statistics for few-conversation benchmarks: clustered bootstrap CIs and paired tests."""

from ._bootstrap import clustered_bootstrap_ci
from ._paired import PairedMethod, PairedResult, min_attainable_p, paired_test

__all__ = [
    "PairedMethod",
    "PairedResult",
    "clustered_bootstrap_ci",
    "min_attainable_p",
    "paired_test",
]
