"""Results record no path of the machine that made them, and one configuration hashes alike
wherever its data lives: the spec keeps the dataset's place under the data directory (or the
file's name), and the config hash leaves the path out (name + sha256 identify the data)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from memobench.rundir import score_run_dir
from memobench.runner import RunConfig, Runner
from memobench.testing import FakeOpenAIServer


def _run(srv: FakeOpenAIServer, dataset: str, data_path: str | None, out: Path) -> Runner:
    """A finished run (its results on ``runner.results``)."""
    runner = Runner(
        RunConfig(
            agent="no-memory",
            model="openai:fake",
            base_url=srv.base_url,
            dataset=dataset,
            data_path=data_path,
            conversations=("conv-26",),
            limit=2,
            out=out,
        )
    )
    runner.results = runner.run()  # type: ignore[attr-defined]
    return runner


def _texts(run_dir: Path) -> str:
    return "\n".join(p.read_text() for p in sorted(run_dir.iterdir()) if p.is_file())


def test_two_data_directories_give_one_config_hash_and_no_absolute_path(
    tmp_path: Path, locomo_path: Path
) -> None:
    roots = [tmp_path / "a", tmp_path / "deep" / "er" / "b"]
    for root in roots:
        (root / "locomo").mkdir(parents=True)
        shutil.copy(locomo_path, root / "locomo" / "locomo10.json")
    with FakeOpenAIServer() as srv:
        runs = [
            _run(srv, "locomo10", str(root.resolve()), tmp_path / f"out{i}")
            for i, root in enumerate(roots)
        ]
    first, second = runs
    assert first.config_hash == second.config_hash
    assert first.spec.dataset.path == "locomo/locomo10.json"
    for runner in runs:
        text = _texts(runner.run_dir.path)
        assert str(tmp_path) not in text and "/deep/er/" not in text


def test_a_file_is_recorded_relative_to_its_run_and_rescored_from_anywhere(
    tmp_path: Path, locomo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "data" / "mine.json"
    mine.parent.mkdir()
    shutil.copy(locomo_path, mine)
    with FakeOpenAIServer() as srv:
        runner = _run(srv, str(mine.resolve()), None, tmp_path / "runs" / "out")
    assert runner.spec.dataset.path == "../../data/mine.json"
    assert runner.spec.dataset.name == "mine"
    assert str(tmp_path) not in _texts(runner.run_dir.path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    again = score_run_dir(runner.run_dir.path)  # found next to the run, not from the cwd
    from memobench.viewer import build_view_data

    view = build_view_data([runner.run_dir.path])  # the viewer finds it the same way
    assert "conv-26" in json.dumps(view)
    assert again.config_hash == runner.config_hash
    assert again.tasks["qa"].metrics == runner.results.tasks["qa"].metrics  # type: ignore[attr-defined]
    # Moved away: the file name alone finds nothing; pointing at the file does.
    moved = tmp_path / "moved.json"
    mine.rename(moved)
    with pytest.raises(Exception, match="mine"):
        score_run_dir(runner.run_dir.path)
    assert score_run_dir(runner.run_dir.path, data_path=str(moved)).config_hash == (
        runner.config_hash
    )


def test_a_run_directory_from_before_the_hash_change_resumes(tmp_path: Path, data_dir: str) -> None:
    """Made when the hash covered the dataset path (recorded as given): the same configuration
    resumes it, keeping its recorded identity; another configuration is still refused."""

    out = tmp_path / "old"
    with FakeOpenAIServer() as srv:
        first = _run(srv, "locomo10", data_dir, out)
        header = json.loads((out / "header.json").read_text())
        header["spec"]["dataset"]["path"] = "/somewhere/else/locomo/locomo10.json"
        spec = type(first.spec).model_validate(header["spec"])
        legacy = spec.legacy_config_hash()
        assert legacy != first.config_hash and spec.config_hash() == first.config_hash
        header["config_hash"] = header["run_id"] = legacy
        (out / "header.json").write_text(json.dumps(header))
        answers = (out / "answers.jsonl").read_text().splitlines()
        (out / "answers.jsonl").write_text(answers[0] + "\n")  # one of two answered
        again = _run(srv, "locomo10", data_dir, out)
        assert again.results.config_hash == legacy  # type: ignore[attr-defined]
        resumed = (out / "answers.jsonl").read_text().splitlines()
        assert len(resumed) == 2 and resumed[0] == answers[0]  # kept, and the missing one asked
        with pytest.raises(Exception, match="config hash"):
            Runner(
                RunConfig(
                    agent="no-memory", model="openai:other", base_url=srv.base_url,
                    data_path=data_dir, conversations=("conv-26",), limit=2, out=out,
                )
            ).run()  # fmt: skip
