"""Rescoring names no task: a plugin task's report, errata metric and missing items are handled
by the generic path exactly as QA's are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from memobench.generation import ProceduralConfig, generate_procedural
from memobench.registry import tasks
from memobench.rundir import score_run_dir
from memobench.runner import RunConfig, Runner
from memobench.tasks import QATask, errata_metric, load_task_spec, task_report


class QALengthOnly(QATask):
    """QA under another name, with its own report and no errata metric."""

    name = "qa_plugin"
    errata_metric = None  # type: ignore[assignment]

    @property
    def version(self) -> str:
        return "plugin-1"

    def prompt_hashes(self) -> dict[str, str]:
        return load_task_spec("qa").hashes()

    def score(self, conversations: Any, answers: Any, *, options: Any) -> Any:
        return [
            s.model_copy(update={"task": self.name})
            for s in super().score(conversations, answers, options=options)
        ]

    def report(self, conversations: Any, samples: Any, *, options: Any) -> dict[str, Any]:
        return {"answered": sum(s.prediction is not None for s in samples)}


def test_hooks_are_optional_and_read_from_the_task() -> None:
    assert errata_metric(QATask()) == "f1"
    assert errata_metric(QALengthOnly()) is None
    assert task_report(object(), [], [], options={}) == {}  # type: ignore[arg-type]


def test_a_plugin_task_gets_its_report_and_missing_count(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    generate_procedural(ProceduralConfig(conversations=1, sessions=3, seed=9), data)
    tasks.register("qa_plugin", QALengthOnly, replace=True)
    try:
        out = tmp_path / "run"
        config = RunConfig(
            agent="no-memory",
            model="mock:reader",
            dataset=str(data),
            tasks=("qa", "qa_plugin"),
            limit=4,
            out=out,
            progress=False,
        )
        full = Runner(config).run()
        assert full.tasks["qa_plugin"].extra == {"answered": 4}
        qa_extra = full.tasks["qa"].extra
        assert qa_extra["n"] == 4 and qa_extra["mean_prediction_words"] == 2.0  # "mock answer"
        lines = (out / "answers.jsonl").read_text().splitlines()
        kept = [x for x in lines if json.loads(x)["task"] != "qa_plugin"] + [
            x for x in lines if json.loads(x)["task"] == "qa_plugin"
        ][1:]
        (out / "answers.jsonl").write_text("".join(x + "\n" for x in kept))
        partial = score_run_dir(out)
    finally:
        tasks.unregister("qa_plugin")
    extra = partial.tasks["qa_plugin"].extra
    assert extra == {"answered": 3, "missing": 1}
    assert partial.tasks["qa"].extra == full.tasks["qa"].extra  # QA untouched
