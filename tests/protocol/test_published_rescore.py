"""The committed smoke runs rescored from their answers give their committed QA numbers.

``leaderboard verify`` recomputes aggregates from ``samples.jsonl``; this goes one step back,
from the raw predictions in ``answers.jsonl`` through today's scorer, so a change in per-item
QA scoring without a ``scoring_version`` bump fails here (the tautological "rescore equals
score" runner test could not catch it). QA only: the published runs' dialogue and event
scores need the BERTScore model and are pinned by their own tests.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from memobench.rundir import score_run_dir

SMOKE = Path(__file__).resolve().parents[2] / "results" / "smoke"
RUNS = sorted(p.name for p in SMOKE.iterdir() if (p / "answers.jsonl").is_file())


def test_there_are_published_runs() -> None:
    # the five baselines (three tasks) and the memory systems (QA) of the smoke board
    assert RUNS == [
        "a-mem",
        "graphiti",
        "langmem",
        "long-context",
        "mem0",
        "no-memory",
        "oracle",
        "rag",
        "summary",
    ]


@pytest.mark.parametrize("name", RUNS)
def test_rescored_qa_matches_the_committed_results(name: str, tmp_path: Path, locomo) -> None:  # type: ignore[no-untyped-def]
    src = SMOKE / name
    run = tmp_path / name
    run.mkdir()
    shutil.copy(src / "header.json", run / "header.json")
    lines = (src / "answers.jsonl").read_text(encoding="utf-8").splitlines()
    qa = [x for x in lines if json.loads(x).get("task", "qa") == "qa"]
    assert len(qa) == 105  # conv-30's questions
    (run / "answers.jsonl").write_text("\n".join(qa) + "\n", encoding="utf-8")
    fresh = score_run_dir(run, ds=locomo).tasks["qa"]
    committed = json.loads((src / "results.json").read_text(encoding="utf-8"))["tasks"]["qa"]
    assert fresh.scoring_version == committed["scoring_version"]
    for metric in ("f1", "f1_cat1_4", "recall", "bleu1", "rougeL"):
        want = committed["metrics"].get(metric)
        if want is None:
            continue
        got = fresh.metrics[metric]
        assert got.n == want["n"], metric
        assert got.value == pytest.approx(want["value"], abs=1e-9), metric
    for cat, metrics in committed["by_category"].items():
        assert fresh.by_category[cat]["f1"].value == pytest.approx(
            metrics["f1"]["value"], abs=1e-9
        ), cat
    # Per item: every committed QA sample score is reproduced.
    committed_items = {
        s["item_id"]: s["scores"]["f1"]
        for s in map(json.loads, (src / "samples.jsonl").read_text().splitlines())
        if s.get("task", "qa") == "qa"
    }
    fresh_items = {
        s["item_id"]: s["scores"]["f1"]
        for s in map(json.loads, (run / "samples.jsonl").read_text().splitlines())
        if s.get("task", "qa") == "qa"
    }
    assert fresh_items == committed_items
