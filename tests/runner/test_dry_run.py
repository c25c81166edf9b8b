"""``--dry-run`` prices a run without calling any model, and agrees with the real run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from memobench.cli import cli
from memobench.llm import Cache, cost_usd
from memobench.runner import RunConfig, estimate_run, run
from memobench.testing import FakeOpenAIServer

MODEL = "openai:gpt-4o-mini"  # a priced model, so dollars are known


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MEMOBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")


def _config(srv: FakeOpenAIServer, data_dir: str, out: Path, agent: str = "no-memory"):
    return RunConfig(
        agent=agent,
        model=MODEL,
        base_url=srv.base_url,
        data_path=data_dir,
        conversations=("conv-30",),
        limit=12,
        concurrency=4,
        out=out,
        progress=False,
    )


def test_estimate_calls_nothing_writes_nothing_and_matches_the_real_run(tmp_path, data_dir):
    out = tmp_path / "run"
    with FakeOpenAIServer(latency_s=0.01) as srv:
        cfg = _config(srv, data_dir, out)
        est = estimate_run(cfg)
        assert srv.stats.requests == 0  # nothing was sent
        assert not out.exists()  # no run directory
        assert Cache(tmp_path / "cache" / "llm_cache.sqlite3").stats()["entries"] == 0
        assert (est.items_total, est.items_done) == (12, 0)
        answer = est.usage.phase("answer")
        assert answer is not None and answer.calls == 12 and answer.cache_hits == 0
        assert answer.completion_tokens == 12 * 32  # every reply at the reader's max_tokens

        real = run(cfg)
        assert srv.stats.requests == 12  # the estimate's call count, exactly
    real_answer = real.usage["answer"]
    assert real_answer.calls == answer.calls
    # The fake server counts whitespace tokens; cl100k counts more for the same prompts.
    assert 0.5 < real_answer.prompt_tokens / answer.prompt_tokens <= 1.0
    low = cost_usd(MODEL, prompt_tokens=answer.prompt_tokens, completion_tokens=0)
    assert est.cost_low_usd == pytest.approx(low)
    assert est.cost_high_usd is not None and est.cost_high_usd > est.cost_low_usd > 0


def test_estimate_of_a_partly_done_run_counts_only_what_is_left_and_cache_hits_free(
    tmp_path, data_dir
):
    out = tmp_path / "run"
    with FakeOpenAIServer(latency_s=0.01) as srv:
        cfg = _config(srv, data_dir, out)
        run(cfg)
        lines = (out / "answers.jsonl").read_text().splitlines()
        # As if the run had died after 7 answers (their calls are all in the cache anyway).
        (out / "answers.jsonl").write_text("\n".join(lines[:7]) + "\n")
        est = estimate_run(cfg)
        assert srv.stats.requests == 12
    assert (est.items_total, est.items_done) == (12, 7)
    answer = est.usage.phase("answer")
    assert answer is not None and (answer.calls, answer.cache_hits) == (0, 5)
    assert est.cost_low_usd == 0 and est.cost_high_usd == 0
    assert len((out / "answers.jsonl").read_text().splitlines()) == 7  # untouched


def test_summary_agent_estimate_chains_on_full_length_replies(tmp_path, data_dir):
    # The summary agent feeds its own summaries into later prompts: the filler replies are as
    # long as max_tokens allows, so the estimate bounds the real prompts from above.
    with FakeOpenAIServer(latency_s=0.0) as srv:
        cfg = _config(srv, data_dir, tmp_path / "run", agent="summary")
        est = estimate_run(cfg)
        assert srv.stats.requests == 0
    ingest = est.usage.phase("ingest")
    assert ingest is not None and ingest.calls > 0  # one summary per session
    assert est.usage.phase("answer").calls == 12  # type: ignore[union-attr]


def test_cli_dry_run_prints_the_estimate(tmp_path, data_dir):
    with FakeOpenAIServer() as srv:
        args = ["run", "--agent", "no-memory", "--model", MODEL, "--base-url", srv.base_url]
        args += ["--data-path", data_dir, "--conversations", "conv-30", "--limit", "5"]
        args += ["--out", str(tmp_path / "run"), "--dry-run"]
        result = CliRunner().invoke(cli, args)
        assert srv.stats.requests == 0
    assert result.exit_code == 0, result.output
    assert "5 of 5 items to ask" in result.output
    assert "openai:gpt-4o-mini" in result.output and "estimated cost: $" in result.output
    assert not (tmp_path / "run").exists()


def test_dry_run_refuses_a_directory_of_another_configuration(tmp_path, data_dir):
    out = tmp_path / "run"
    out.mkdir()
    (out / "header.json").write_text(json.dumps({"config_hash": "other", "run_id": "x"}))
    with FakeOpenAIServer() as srv, pytest.raises(RuntimeError, match="config hash"):
        estimate_run(_config(srv, data_dir, out))
