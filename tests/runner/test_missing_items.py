"""'Missing = 0, and counted' for every task: a partial run is scored over all its items."""

from __future__ import annotations

import json
from pathlib import Path

from memobench.runner import RunConfig, Runner, score_run_dir


def test_partial_event_summary_and_dialogue_runs_count_missing(
    tmp_path: Path, data_dir: str, scripted_reader
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "run"
    config = RunConfig(
        agent="long-context",
        model="mock:reader",
        data_path=data_dir,
        conversations=("conv-30",),
        tasks=("qa", "event_summary", "dialogue"),
        task_options={"dialogue": {"max_items": 6}},
        limit=6,
        out=out,
        progress=False,
    )
    full = Runner(config).run()
    n = {name: len(Path(out / "samples.jsonl").read_text().splitlines()) for name in ["all"]}
    lines = (out / "answers.jsonl").read_text().splitlines()
    by_task: dict[str, list[str]] = {}
    for line in lines:
        by_task.setdefault(json.loads(line)["task"], []).append(line)
    assert set(by_task) == {"qa", "event_summary", "dialogue"}
    # Drop the first two answers of every task: a run that never asked them.
    kept = [x for t in by_task.values() for x in t[2:]]
    (out / "answers.jsonl").write_text("".join(x + "\n" for x in kept))
    partial = score_run_dir(out)
    samples = [json.loads(x) for x in (out / "samples.jsonl").read_text().splitlines()]
    assert len(samples) == n["all"]  # every item is still a sample
    for name in ("event_summary", "dialogue", "qa"):
        task = partial.tasks[name]
        assert task.extra["missing"] == 2, name
        unanswered = [s for s in samples if s["task"] == name and s["prediction"] is None]
        assert len(unanswered) == 2
        main = task.main_metric
        assert all(s["scores"][main] == 0.0 for s in unanswered)
        if name != "qa":  # QA also flags them (scores["missing"] == 1)
            assert all(v == 0.0 for s in unanswered for v in s["scores"].values())
        before = full.tasks[name].metrics[main].value
        assert task.metrics[main].value <= before  # missing items pull the score down
    assert "missing" not in full.tasks["event_summary"].extra
