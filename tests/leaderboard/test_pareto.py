"""The Pareto front (lower cost/latency and higher accuracy are better) on exact small cases,
and the accuracy-vs-cost/latency plots of a fabricated leaderboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from _diag_runs import make_diag_runs

from memobench.leaderboard import build_leaderboard, front_plots, pareto_front


@pytest.mark.parametrize(
    ("points", "front"),
    [
        ([], []),
        ([(1.0, 0.5)], [True]),
        # cheaper and better dominates
        ([(1.0, 0.5), (2.0, 0.4)], [True, False]),
        # a trade-off: both on the front
        ([(1.0, 0.4), (2.0, 0.5)], [True, True]),
        # equal points: neither dominates
        ([(1.0, 0.5), (1.0, 0.5)], [True, True]),
        # same cost, lower accuracy: dominated; same accuracy, higher cost: dominated
        ([(1.0, 0.5), (1.0, 0.4), (3.0, 0.5)], [True, False, False]),
        # a staircase with one point inside it
        (
            [(0.0, 0.1), (1.0, 0.3), (2.0, 0.2), (3.0, 0.6), (4.0, 0.6), (5.0, 0.9)],
            [True, True, False, True, False, True],
        ),
    ],
)
def test_pareto_front_exact(points, front):  # type: ignore[no-untyped-def]
    assert pareto_front(points) == front


def test_front_plots_of_a_board(tmp_path: Path) -> None:
    board = build_leaderboard(make_diag_runs(tmp_path), base_dir=tmp_path, n_resamples=100)
    plots = {(p.metric, p.axis): p for p in front_plots(board)}
    assert set(plots) == {("f1", "cost100"), ("f1", "latency_p50")}
    # F1: oracle > rag > no-memory; $/100 q: 0.0417 (no-memory) < 0.0833 (rag) < 0.2083
    cost = plots[("f1", "cost100")]
    assert {p.label: p.on_front for p in cost.points} == {
        "no-memory": True,
        "rag": True,
        "oracle": True,
    }
    assert [p.label for p in cost.front] == ["no-memory", "rag", "oracle"]
    assert cost.points[0].x == pytest.approx(0.05 * 100 / 24)  # oracle ranks first
    # p50 latency: no-memory 0.5 s, oracle 0.8 s, rag 1.0 s: rag is slower and worse than oracle
    latency = plots[("f1", "latency_p50")]
    assert {p.label: p.on_front for p in latency.points} == {
        "no-memory": True,
        "rag": False,
        "oracle": True,
    }
    assert latency.left_out == []


def test_judged_scores_get_their_own_plots_and_unknowns_are_left_out(tmp_path: Path) -> None:
    from memobench.leaderboard import Leaderboard
    from memobench.results import MetricValue

    board = build_leaderboard(make_diag_runs(tmp_path), base_dir=tmp_path, n_resamples=100)
    data = board.model_dump()
    judged = {"oracle": 0.7, "rag": 0.75, "no-memory": None}
    for e in data["entries"]:
        e["tasks"]["qa"]["metrics"]["judge_strict"] = MetricValue(
            value=judged[e["label"]]
        ).model_dump()
        if e["label"] == "rag":
            e["cost_per_100_questions"] = None  # an unpriced model
    board = Leaderboard.model_validate(data)
    plots = {(p.metric, p.axis): p for p in front_plots(board)}
    assert set(plots) == {
        (m, a) for m in ("f1", "judge_strict") for a in ("cost100", "latency_p50")
    }
    assert plots[("f1", "cost100")].left_out == ["rag"]
    j = plots[("judge_strict", "latency_p50")]
    assert j.left_out == ["no-memory"]
    # judged: rag 0.75 at 1.0 s beats oracle's 0.7 at 0.8 s on accuracy only: both on the front
    assert {p.label: p.on_front for p in j.points} == {"oracle": True, "rag": True}
