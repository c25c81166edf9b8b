"""Failure taxonomy, retrieval guards and answer latency in the leaderboard: JSON, text,
markdown and HTML columns, and ``leaderboard verify`` recomputing them from the run files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _diag_runs import make_diag_runs

from memobench.leaderboard import (
    build_leaderboard,
    render_html,
    render_markdown,
    render_table,
    verify_leaderboard,
)
from memobench.results import FLAG_CONTEXT_SHARE, FLAG_TOP_K_SESSIONS


@pytest.fixture
def board_path(tmp_path: Path) -> Path:
    runs = make_diag_runs(tmp_path)
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=100)
    path = tmp_path / "leaderboard.json"
    path.write_text(board.model_dump_json(indent=2), encoding="utf-8")
    return path


def _entries(path: Path) -> dict[str, dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {e["label"]: e for e in data["entries"]}


def test_blocks_in_the_json(board_path: Path) -> None:
    e = _entries(board_path)
    rag, oracle, none = (e[a]["tasks"]["qa"] for a in ("rag", "oracle", "no-memory"))
    # hand-computed from the fabricated scores: rag's F1 is 0.4-0.6 (right >= 0.5), recall > 0,
    # category 5 has no abstention score; oracle's F1 is 0.8-1.0
    assert rag["failure_taxonomy"]["overall"] == {
        "correct": 11,
        "retrieval_miss": 0,
        "reader_miss": 9,
        "false_abstention": 0,
        "missed_abstention": 0,
        "not_scorable": 4,
    }
    assert oracle["failure_taxonomy"]["overall"]["correct"] == 20
    assert none["failure_taxonomy"] is None and none["retrieval_guards"] is None
    # rag: 2 of 40 turns per question; oracle: every session
    assert rag["retrieval_guards"]["mean_context_share"] == pytest.approx(0.05)
    assert rag["retrieval_guards"]["flags"] == []
    assert oracle["retrieval_guards"]["flags"] == [FLAG_CONTEXT_SHARE, FLAG_TOP_K_SESSIONS]
    assert oracle["retrieval_guards"]["n_top_k_reaches_sessions"] == 24
    assert [e[a]["tasks"]["qa"]["answer_latency"]["p50_s"] for a in ("no-memory", "rag")] == [
        0.5,
        1.0,
    ]
    assert rag["answer_latency"]["p95_s"] == pytest.approx(1.02)


def test_columns_in_every_view(board_path: Path) -> None:
    from memobench.leaderboard import Leaderboard

    board = Leaderboard.model_validate_json(board_path.read_text(encoding="utf-8"))
    md = render_markdown(board)
    header = next(line for line in md.splitlines() if line.startswith("| # |"))
    for title in ("retrieval miss", "reader miss", "false abst.", "missed abst.", "not scorable"):
        assert f"| {title} |" in header
    assert "| p50 answer latency |" in header
    rag = next(line for line in md.splitlines() if line.startswith("| 2 | rag |"))
    assert "| 0/24 | 9/24 | 0/24 | 0/24 | 4/24 |" in rag and "| 1.00 s |" in rag
    oracle = next(line for line in md.splitlines() if line.startswith("| 1 | oracle |"))
    assert f"{FLAG_CONTEXT_SHARE}, {FLAG_TOP_K_SESSIONS}" in oracle
    assert FLAG_CONTEXT_SHARE not in rag
    text = render_table(board, width=400)
    assert "reader miss" in text and "9/24" in text and FLAG_TOP_K_SESSIONS in text
    html = render_html(board)
    assert 'data-key="tax:reader_miss" data-sort="9"' in html
    assert 'data-key="latency_p50" data-sort="0.8"' in html  # oracle


def test_verify_accepts_then_catches_each_tampered_block(board_path: Path) -> None:
    assert verify_leaderboard(board_path) == []
    run = board_path.parent / "runs" / "run-rag"
    results = run / "results.json"
    original = results.read_text(encoding="utf-8")

    def tamper(edit) -> list[str]:  # type: ignore[no-untyped-def]
        data = json.loads(original)
        edit(data["tasks"]["qa"]["extra"])
        results.write_text(json.dumps(data), encoding="utf-8")
        try:
            return verify_leaderboard(board_path)
        finally:
            results.write_text(original, encoding="utf-8")

    def more_retrieval_misses(x):  # type: ignore[no-untyped-def]
        x["failure_taxonomy"]["overall"]["reader_miss"] -= 1
        x["failure_taxonomy"]["overall"]["retrieval_miss"] += 1

    problems = tamper(more_retrieval_misses)
    assert any("qa.extra.failure_taxonomy.overall.reader_miss" in p for p in problems)

    def hide_bypass(x):  # type: ignore[no-untyped-def]
        x["retrieval_guards"]["mean_context_share"] = 0.01

    assert any("retrieval_guards.mean_context_share" in p for p in tamper(hide_bypass))

    def faster(x):  # type: ignore[no-untyped-def]
        x["answer_latency"]["p50_s"] = 0.1

    assert any("answer_latency.p50_s" in p for p in tamper(faster))
    # the samples are the truth: a samples.jsonl edit shows up against both copies
    samples = run / "samples.jsonl"
    rows = [json.loads(x) for x in samples.read_text(encoding="utf-8").splitlines()]
    rows[1]["retrieved"] = None
    samples.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    problems = verify_leaderboard(board_path)
    assert any("results.json: qa.extra.failure_taxonomy.n" in p for p in problems)
    assert any("leaderboard row" in p and "failure_taxonomy.n" in p for p in problems)
