"""``--max-conversations N``: the first N conversations, recorded by id like ``--conversations``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from memobench.cli import cli
from memobench.runner import RunConfig, Runner


def _runner(data_dir: str, tmp_path: Path, **kw: object) -> Runner:
    return Runner(RunConfig(agent="no-memory", data_path=data_dir, out=tmp_path / "r", **kw))  # type: ignore[arg-type]


def test_the_first_n_conversations_and_the_same_run_as_naming_them(
    data_dir: str, tmp_path: Path
) -> None:
    first = _runner(data_dir, tmp_path, max_conversations=2)
    ids = [c.sample_id for c in first.conversations]
    every = [c.sample_id for c in _runner(data_dir, tmp_path).conversations]
    assert ids == every[:2] and len(every) == 10
    assert first.spec.options["conversations"] == ids
    named = _runner(data_dir, tmp_path, conversations=tuple(ids))
    assert named.config_hash == first.config_hash  # one run, however it was asked for


def test_after_conversations_and_never_below_one(data_dir: str, tmp_path: Path) -> None:
    picked = _runner(data_dir, tmp_path, conversations=("conv-30", "conv-26"), max_conversations=1)
    assert [c.sample_id for c in picked.conversations] == ["conv-26"]  # dataset order
    with pytest.raises(ValueError, match="at least 1"):
        _runner(data_dir, tmp_path, max_conversations=0)


def test_the_cli_option(data_dir: str, tmp_path: Path) -> None:
    args = ["run", "--agent", "no-memory", "--model", "mock:echo", "--data-path", data_dir]
    args += ["--max-conversations", "1", "--limit", "2", "--out", str(tmp_path / "run")]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    assert "model calls 2" in out.output
    bad = CliRunner().invoke(cli, [*args[:-2], "--max-conversations", "0"])
    assert bad.exit_code == 2 and "max-conversations" in bad.output
