"""The run viewer: one HTML file per set of runs (``memobench view``)."""

from ._data import CONTEXT_TURNS, build_view_data, read_run
from ._guards import MAX_CONTEXT_SHARE, run_guards
from ._render import render_view

__all__ = [
    "CONTEXT_TURNS",
    "MAX_CONTEXT_SHARE",
    "build_view_data",
    "read_run",
    "render_view",
    "run_guards",
]
