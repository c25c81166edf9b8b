"""Leaderboards: merge comparable runs, derive columns, run paired tests, verify, render."""

from ._build import NO_MEMORY_AGENT, ORACLE_AGENT, build_leaderboard, build_leaderboards
from ._pareto import FRONT_AXES, FrontPlot, FrontPoint, front_plots, pareto_front
from ._runs import IncompatibleRunsError, LoadedRun, check_compatible, load_run
from ._schema import (
    FLAG_DIFFERENT_PROMPT,
    FLAG_DIFFERENT_READER,
    LEADERBOARD_SCHEMA_VERSION,
    Comparison,
    DatasetInfo,
    Leaderboard,
    LeaderboardEntry,
    TaskInfo,
    TaskScores,
)
from ._verify import verify_leaderboard
from ._views import (
    MissingDependencyError,
    render_html,
    render_markdown,
    render_png,
    render_table,
    rich_tables,
)

__all__ = [
    "FLAG_DIFFERENT_PROMPT",
    "FLAG_DIFFERENT_READER",
    "FRONT_AXES",
    "LEADERBOARD_SCHEMA_VERSION",
    "NO_MEMORY_AGENT",
    "ORACLE_AGENT",
    "Comparison",
    "DatasetInfo",
    "FrontPlot",
    "FrontPoint",
    "IncompatibleRunsError",
    "Leaderboard",
    "LeaderboardEntry",
    "LoadedRun",
    "MissingDependencyError",
    "TaskInfo",
    "TaskScores",
    "build_leaderboard",
    "build_leaderboards",
    "check_compatible",
    "front_plots",
    "load_run",
    "pareto_front",
    "render_html",
    "render_markdown",
    "render_png",
    "render_table",
    "rich_tables",
    "verify_leaderboard",
]
