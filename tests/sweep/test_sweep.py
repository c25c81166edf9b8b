"""``memobench sweep``: a two-cell grid from a TOML file on worker processes, deduplicated,
resumable, a failing cell reported, and one leaderboard per dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from memobench.cli import cli
from memobench.errors import ConfigError
from memobench.executors import make_executor
from memobench.leaderboard import Leaderboard
from memobench.sweep import SweepSpec, expand, load_sweep_file, run_sweep
from memobench.testing import FakeOpenAIServer


def _toml(path: Path, base_url: str, data_dir: str) -> Path:
    path.write_text(
        f"""
[sweep]
agents = ["no-memory", "oracle"]
models = ["openai:fake"]
seeds = [0]
datasets = ["locomo10"]
out = "{path.parent / "sw"}"

[sweep.run]
base_url = "{base_url}"
data_path = "{data_dir}"
conversations = ["conv-26", "conv-30"]
limit = 4
concurrency = 4
"""
    )
    return path


def test_two_cell_sweep_resumes_and_ranks(
    tmp_path: Path, data_dir: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with FakeOpenAIServer(latency_s=0.01) as srv:
        sweep_file = _toml(tmp_path / "grid.toml", srv.base_url, data_dir)
        args = [
            "sweep", str(sweep_file), "--executor", "processes", "--workers", "2",
            # a third agent that does not exist: reported, the others still run
            "--agent", "no-memory", "--agent", "oracle", "--agent", "no-such-agent",
        ]  # fmt: skip
        first = CliRunner().invoke(cli, args)
        assert first.exit_code == 1, first.output  # one failed cell
        assert "no-such-agent" in first.output and "failed" in first.output
        assert srv.stats.requests == 16  # 2 agents x 2 conversations x 4 items
        board_file = tmp_path / "sw" / "leaderboards" / "locomo10.json"
        board = Leaderboard.model_validate_json(board_file.read_text())
        assert {e.agent.name for e in board.entries} == {"no-memory", "oracle"}
        runs = sorted(p.name for p in (tmp_path / "sw" / "runs").iterdir())
        assert len(runs) == 2
        # Rerun: nothing asked again, the cells are found complete.
        again = CliRunner().invoke(cli, [*args[:-2]])
        assert again.exit_code == 0, again.output
        assert again.output.count("resumed-complete") == 2
        assert srv.stats.requests == 16
    for run in runs:
        lines = (tmp_path / "sw" / "runs" / run / "answers.jsonl").read_text().splitlines()
        assert len(lines) == 8 and all(
            json.loads(x)["error"] is None for x in lines if "error" in x
        )


def test_grid_dedupes_by_config_hash(tmp_path: Path, data_dir: str) -> None:
    spec = SweepSpec(
        agents=("no-memory",),
        models=("mock:reader",),
        seeds=(0, 0),  # the same seed twice: the same configuration
        agent_options={},
        run={"data_path": data_dir, "conversations": ["conv-26"], "limit": 1, "progress": False},
        out=tmp_path / "sw",
    )
    assert len(expand(spec)) == 2
    report = run_sweep(spec, make_executor("local"))
    assert [c.status for c in report.cells] == ["done", "duplicate"]
    assert report.cells[1].duplicate_of == report.cells[0].label
    assert list(report.leaderboards) == ["locomo10"]


def test_sweep_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[sweep]\nagents = ["rag"]\nmodels = ["mock:x"]\n[sweep.run]\ntop_kk = 3\n')
    with pytest.raises(ConfigError, match=r"bad\.toml.*top_kk"):
        load_sweep_file(bad)
    grid = tmp_path / "grid.toml"
    grid.write_text(
        '[sweep]\nagents = ["rag", "no-memory"]\nmodels = ["mock:x"]\n'
        "[sweep.agent_options.rag]\ntop_k = [5, 10]\n"
    )
    cells = expand(load_sweep_file(grid))
    assert [c.config.agent_config for c in cells] == [{"top_k": 5}, {"top_k": 10}, {}]
