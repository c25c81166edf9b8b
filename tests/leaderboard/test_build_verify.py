from __future__ import annotations

import json
from pathlib import Path
from statistics import fmean

import pytest
from _fabricate import SHA, item_ids, make_run, make_standard_runs, qa_score

from memobench.leaderboard import (
    FLAG_DIFFERENT_PROMPT,
    FLAG_DIFFERENT_READER,
    IncompatibleRunsError,
    Leaderboard,
    build_leaderboard,
    verify_leaderboard,
)


def _write(board: Leaderboard, path: Path) -> Path:
    path.write_text(board.model_dump_json(indent=2), encoding="utf-8")
    return path


def _entry(board: Leaderboard, agent: str):
    return next(e for e in board.entries if e.agent.name == agent)


def _hand_mean(agent: str) -> float:
    return fmean(qa_score(agent, n, cat) for n, (_, _, cat) in enumerate(item_ids()))


def test_build_then_verify_passes(tmp_path, runs):
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=500)
    assert [e.agent.name for e in board.entries] == ["oracle", "rag", "no-memory"]
    assert [e.rank for e in board.entries] == [1, 2, 3]
    assert board.dataset.sha256 == SHA and board.tasks["qa"].main_metric == "f1"
    assert board.entries[0].run_path == "runs/run-oracle"
    assert len(board.comparisons) == 3
    # 4 conversations: a conversation-level sign flip has 16 patterns, so p can never be below
    # 2/16; every pair here differs the same way in all 4, so each p sits exactly on that floor.
    assert all(c.result.min_p_value == 0.125 for c in board.comparisons)
    assert all(c.result.p_value >= 0.125 for c in board.comparisons)
    assert verify_leaderboard(_write(board, tmp_path / "lb.json")) == []


def test_derived_columns_hand_computed(tmp_path, runs):
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=200)
    nomem, rag, oracle = (_hand_mean(a) for a in ("no-memory", "rag", "oracle"))
    qa = _entry(board, "rag").tasks["qa"]
    assert qa.metrics["f1"].value == pytest.approx(rag)
    assert qa.memory_gain == pytest.approx(rag - nomem)
    assert qa.gap_to_oracle == pytest.approx(oracle - rag)
    assert _entry(board, "no-memory").tasks["qa"].memory_gain == 0.0
    assert _entry(board, "oracle").tasks["qa"].gap_to_oracle == 0.0
    # 24 questions, $0.02 per run
    assert _entry(board, "rag").n_questions == 24
    assert _entry(board, "rag").cost_per_100_questions == pytest.approx(0.02 * 100 / 24)
    cat1_4 = [qa_score("rag", n, cat) for n, (_, _, cat) in enumerate(item_ids()) if cat != 5]
    assert qa.metrics["f1_cat1_4"].value == pytest.approx(fmean(cat1_4))
    assert qa.metrics["f1"].n_clusters == 4
    assert _entry(board, "no-memory").tasks["qa"].metrics["f1"].n_missing == 1


def test_unknown_cost_is_none(tmp_path):
    runs = make_standard_runs(tmp_path, rag={"cost": None})
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=100)
    assert _entry(board, "rag").cost_usd is None
    assert _entry(board, "rag").cost_per_100_questions is None


def test_no_reference_rows_gives_none(tmp_path):
    board = build_leaderboard([make_run(tmp_path, "rag")], base_dir=tmp_path)
    assert board.entries[0].tasks["qa"].memory_gain is None
    assert board.entries[0].tasks["qa"].gap_to_oracle is None
    assert board.comparisons == []


def test_tampered_sample_fails_verify_naming_it(tmp_path, runs):
    path = _write(build_leaderboard(runs, base_dir=tmp_path, n_resamples=200), tmp_path / "lb.json")
    samples = tmp_path / "runs" / "run-rag" / "samples.jsonl"
    lines = samples.read_text().splitlines()
    first = json.loads(lines[0])
    first["scores"]["f1"] = 0.987654
    lines[0] = json.dumps(first)
    samples.write_text("\n".join(lines) + "\n")
    problems = verify_leaderboard(path)
    assert problems
    text = "\n".join(problems)
    assert "runs/run-rag/results.json: qa.metrics.f1.value" in text
    assert "entry rag.qa.metrics.f1.value" in text


def test_tampered_leaderboard_number_fails_verify(tmp_path, runs):
    path = _write(build_leaderboard(runs, base_dir=tmp_path, n_resamples=200), tmp_path / "lb.json")
    data = json.loads(path.read_text())
    data["entries"][1]["tasks"]["qa"]["memory_gain"] = 0.9
    path.write_text(json.dumps(data))
    problems = verify_leaderboard(path)
    assert any("entries[1].tasks.qa.memory_gain" in p for p in problems)


def test_missing_run_dir_is_reported(tmp_path, runs):
    path = _write(build_leaderboard(runs, base_dir=tmp_path, n_resamples=100), tmp_path / "lb.json")
    (tmp_path / "runs" / "run-oracle" / "results.json").unlink()
    assert any("cannot read run" in p for p in verify_leaderboard(path))


def test_mismatched_sha_refuses_naming_run(tmp_path):
    runs = make_standard_runs(tmp_path, rag={"sha": "b" * 64})
    with pytest.raises(IncompatibleRunsError) as err:
        build_leaderboard(runs, base_dir=tmp_path)
    msg = str(err.value)
    assert "dataset.sha256" in msg and "run-rag" in msg and "b" * 64 in msg


def test_mismatched_versions_refuse(tmp_path):
    runs = make_standard_runs(tmp_path, oracle={"scoring_version": "2"}, rag={"task_version": "9"})
    with pytest.raises(IncompatibleRunsError) as err:
        build_leaderboard(runs, base_dir=tmp_path)
    msg = str(err.value)
    assert "tasks.qa.scoring_version" in msg and "run-oracle" in msg
    assert "tasks.qa.task_version" in msg and "run-rag" in msg


def test_different_reader_and_prompt_flagged(tmp_path):
    runs = make_standard_runs(
        tmp_path, rag={"reader": "openai/gpt-4.1"}, oracle={"prompt_hash": "q" * 64}
    )
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=100)
    assert _entry(board, "rag").flags == [FLAG_DIFFERENT_READER]
    assert _entry(board, "oracle").flags == [FLAG_DIFFERENT_PROMPT]
    assert _entry(board, "no-memory").flags == []
    assert board.majority_reader == "openai/gpt-4o-mini"


def test_rebuild_is_order_independent(tmp_path, runs):
    a = build_leaderboard(runs, base_dir=tmp_path, n_resamples=200, created_at="t")
    b = build_leaderboard(runs[::-1], base_dir=tmp_path, n_resamples=200, created_at="t")
    assert a == b
