"""Sweeps: a grid of runs (agents × models × agent options × seeds × datasets) on any
executor, deduplicated by config hash, resumable, ending in one leaderboard per dataset."""

from ._grid import RUN_FIELDS, Cell, SweepSpec, expand, load_sweep_file
from ._run import CellOutcome, SweepReport, run_sweep

__all__ = [
    "RUN_FIELDS",
    "Cell",
    "CellOutcome",
    "SweepReport",
    "SweepSpec",
    "expand",
    "load_sweep_file",
    "run_sweep",
]
