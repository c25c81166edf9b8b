"""Judged scores end to end: judge a finished run, calibrate the judge, show both on the board."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from memobench.cli import cli
from memobench.leaderboard import build_leaderboard, render_markdown, verify_leaderboard
from memobench.llm import MockBackend
from memobench.runner import RunConfig, Runner


def _judge(prompt: str) -> str:
    # Accepts everything: its calibrated false-positive rate must come out as 1.0.
    return '{"reasoning": "same topic", "label": "CORRECT"}'


def test_judged_run_on_leaderboard_with_fpr(tmp_path: Path, locomo_path: Path) -> None:
    data = str(locomo_path.parents[1])
    MockBackend.script("reader", lambda p: "Not mentioned" if "(a)" in p else "7 May 2023")
    MockBackend.script("judge", _judge)
    runs = []
    for agent in ("no-memory", "oracle"):
        out = tmp_path / agent
        Runner(
            RunConfig(
                agent=agent,
                model="mock:reader",
                data_path=data,
                conversations=("conv-30",),
                limit=15,
                out=out,
            )
        ).run()
        res = CliRunner().invoke(
            cli,
            [
                "score",
                str(out),
                "--judge",
                "strict",
                "--judge-model",
                "mock:judge",
                "--data-path",
                data,
            ],
        )
        assert res.exit_code == 0, res.output
        runs.append(out)
    results = json.loads((runs[0] / "results.json").read_text())
    qa = results["tasks"]["qa"]
    assert qa["metrics"]["judge_strict"]["value"] == 1.0  # every cat 1-4 answer accepted
    assert qa["extra"]["judges"]["judge_strict"]["model"] == "mock:judge"
    usage = [json.loads(x) for x in (runs[0] / "usage.jsonl").read_text().splitlines()]
    assert {r["phase"] for rec in usage[1:] for r in rec["rows"]} == {"judge"}  # no agent call

    cal = tmp_path / "cal.json"
    res = CliRunner().invoke(
        cli,
        [
            "judge",
            "calibrate",
            "--judge",
            "strict",
            "--judge-model",
            "mock:judge",
            "--data-path",
            data,
            "--n",
            "12",
            "--out",
            str(cal),
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(cal.read_text())["judges"][0]["fpr"] == 1.0

    board = build_leaderboard(runs, base_dir=tmp_path, calibrations=[cal])
    judge = board.entries[0].judges["judge_strict"]
    assert (judge.model, judge.fpr) == ("mock:judge", 1.0) and len(judge.prompt_sha256) == 64
    assert "FPR 100.0%" in render_markdown(board)
    path = tmp_path / "leaderboard.json"
    path.write_text(board.model_dump_json(indent=2))
    assert verify_leaderboard(path) == []
    MockBackend.reset()
