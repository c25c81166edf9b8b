"""Ingest cost in the leaderboard: what building each run's memory took, shown beside its score."""

from __future__ import annotations

from pathlib import Path

from _fabricate import make_standard_runs

from memobench.leaderboard import build_leaderboard, render_html, render_markdown
from memobench.results import PhaseUsageReport, RunResults


def _with_ingest(run_dir: Path, usage: PhaseUsageReport) -> None:
    path = run_dir / "results.json"
    res = RunResults.model_validate_json(path.read_text(encoding="utf-8"))
    res = res.model_copy(update={"usage": {**res.usage, "ingest": usage}})
    path.write_text(res.model_dump_json(indent=2), encoding="utf-8")


def _row(md: str, agent: str) -> list[str]:
    line = next(x for x in md.splitlines() if f"| {agent} |" in x)
    return [c.strip() for c in line.strip("|").split("|")]


def test_ingest_calls_tokens_and_dollars_are_columns_of_the_primary_table(tmp_path: Path) -> None:
    runs = make_standard_runs(tmp_path)
    _, rag, oracle = runs
    _with_ingest(
        rag,
        PhaseUsageReport(calls=80, cache_hits=2, prompt_tokens=755_411, completion_tokens=22_262,
                         cost_usd=0.1234),
    )  # fmt: skip
    _with_ingest(oracle, PhaseUsageReport(calls=0, cache_hits=5, prompt_tokens=0, cost_usd=0.0))
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=50)
    md = render_markdown(board)
    header = _row(md, "agent")
    cols = [header.index(t) for t in ("ingest calls", "ingest tokens in / out", "$ ingest")]
    # a replayed call still counts: the memory needed it (the cache only made it free)
    assert [_row(md, "rag")[c] for c in cols] == ["82", "755,411 / 22,262", "$0.1234"]
    assert [_row(md, "oracle")[c] for c in cols] == ["5", "0 / 0", "$0.0000"]
    assert [_row(md, "no-memory")[c] for c in cols] == ["–", "–", "–"]
    assert 'data-key="ingest_calls" data-sort="82"' in render_html(board)


def test_no_ingest_column_when_no_run_ingested(tmp_path: Path) -> None:
    runs = make_standard_runs(tmp_path)
    md = render_markdown(build_leaderboard(runs, base_dir=tmp_path, n_resamples=50))
    assert "ingest" not in md
