"""Progress for people (a rich bar per phase) and for logs (a steady line with rate and ETA)."""

from ._estimate import pending_items, pre_run_estimate, print_pre_run_estimate
from ._rate import estimated_duration_s, eta_s, format_duration, rate_per_s
from ._reporter import (
    DEFAULT_INTERVAL_S,
    INTERVAL_ENV,
    BarReporter,
    LogReporter,
    Reporter,
    make_reporter,
)

__all__ = [
    "DEFAULT_INTERVAL_S",
    "INTERVAL_ENV",
    "BarReporter",
    "LogReporter",
    "Reporter",
    "estimated_duration_s",
    "eta_s",
    "format_duration",
    "make_reporter",
    "pending_items",
    "pre_run_estimate",
    "print_pre_run_estimate",
    "rate_per_s",
]
