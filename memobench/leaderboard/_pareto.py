"""Cost–accuracy–latency front: which entries no other entry beats on both axes.

A point (x, y) is *dominated* when another point has x' <= x and y' >= y with at least one
strict; the Pareto front is the set of points nobody dominates (lower cost or latency is
better, higher accuracy is better). Entries whose x or y is unknown are left out and listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ._schema import Leaderboard, LeaderboardEntry

#: The x axes: key → title.
FRONT_AXES = {"cost100": "$ per 100 questions", "latency_p50": "p50 answer latency (s)"}


def pareto_front(points: Sequence[tuple[float, float]]) -> list[bool]:
    """For each (x, y): True when it is on the front (minimise x, maximise y). Equal points
    are all on the front (neither dominates the other)."""
    out = []
    for i, (x, y) in enumerate(points):
        dominated = any(
            x2 <= x and y2 >= y and (x2 < x or y2 > y)
            for j, (x2, y2) in enumerate(points)
            if j != i
        )
        out.append(not dominated)
    return out


@dataclass(frozen=True)
class FrontPoint:
    label: str
    x: float
    y: float
    on_front: bool
    smoke_test: bool


@dataclass(frozen=True)
class FrontPlot:
    """One scatter: accuracy ``metric`` of ``task`` against ``axis``."""

    task: str
    metric: str
    axis: str
    points: list[FrontPoint]
    left_out: list[str] = field(default_factory=list)
    """Entries without a value on this axis or metric."""

    @property
    def front(self) -> list[FrontPoint]:
        """Front points by increasing x (the staircase a plot draws)."""
        return sorted((p for p in self.points if p.on_front), key=lambda p: (p.x, -p.y))


def _x(e: LeaderboardEntry, task: str, axis: str) -> float | None:
    if axis == "cost100":
        return e.cost_per_100_questions
    lat = e.tasks[task].answer_latency
    return lat.p50_s if lat else None


def accuracy_metrics(board: Leaderboard, task: str) -> list[str]:
    """The task's main metric, then every judged score any entry has (``judge_*``)."""
    main = board.tasks[task].main_metric
    judged = sorted(
        {k for e in board.entries if task in e.tasks for k in e.tasks[task].metrics} - {main}
    )
    return [main] + [k for k in judged if k.startswith("judge_")]


def front_plots(board: Leaderboard, task: str | None = None) -> list[FrontPlot]:
    """Every (accuracy metric × axis) scatter of the primary task (default)."""
    task = task or board.primary_task
    if task not in board.tasks:
        return []
    entries = [e for e in board.entries if task in e.tasks]
    plots = []
    for metric in accuracy_metrics(board, task):
        for axis in FRONT_AXES:
            have, left_out = [], []
            for e in entries:
                m = e.tasks[task].metrics.get(metric)
                x = _x(e, task, axis)
                if m is None or m.value is None or x is None:
                    left_out.append(e.label)
                else:
                    have.append((e, x, m.value))
            on = pareto_front([(x, y) for _, x, y in have])
            points = [
                FrontPoint(e.label, x, y, flag, e.smoke_test)
                for (e, x, y), flag in zip(have, on, strict=True)
            ]
            plots.append(FrontPlot(task, metric, axis, points, left_out))
    return plots
