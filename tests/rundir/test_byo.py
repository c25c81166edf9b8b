"""Bring-your-own predictions write a complete run directory: rescored and judged like a run."""

from __future__ import annotations

import json
from pathlib import Path

from memobench.judge import add_judged_scores
from memobench.llm import MockBackend
from memobench.rundir import RunDir, score_prediction_file, score_run_dir
from memobench.scoring import read_predictions, score_predictions


def test_byo_run_dir_is_complete_rescorable_and_judgeable(tmp_path: Path, locomo) -> None:  # type: ignore[no-untyped-def]
    qa = [q for q in locomo.conversations[0].qa][:40]
    preds = tmp_path / "preds.jsonl"
    preds.write_text(
        "".join(
            json.dumps({"qa_id": q.qa_id, "prediction": str(q.answer) if i % 3 else "no idea"})
            + "\n"
            for i, q in enumerate(qa)
        )
        + json.dumps({"qa_id": "nope:q1", "prediction": "x"})
        + "\n"
    )
    out = tmp_path / "out"
    results, problems = score_prediction_file(locomo, preds, out)
    assert any("1 unknown qa_ids" in p for p in problems)
    total = sum(len(c.qa) for c in locomo.conversations)
    assert results.tasks["qa"].extra["missing"] == total - 40
    header = RunDir(out).require_header()
    assert header.config_hash == results.config_hash and header.spec.tasks == {"qa": "locomo-qa-1"}

    # Per-question scores are exactly the scorer's on the predictions file.
    direct = {
        s.item_id: s.scores
        for s in score_predictions(locomo.conversations, read_predictions(preds).predictions)
    }
    samples = [json.loads(x) for x in (out / "samples.jsonl").read_text().splitlines()]
    assert {s["item_id"]: s["scores"] for s in samples} == direct

    before = (out / "samples.jsonl").read_bytes()
    rescored = score_run_dir(out, ds=locomo)
    assert (out / "samples.jsonl").read_bytes() == before
    assert rescored.tasks["qa"].metrics == results.tasks["qa"].metrics

    MockBackend.script("j", lambda prompt: "CORRECT")
    try:
        judged = add_judged_scores(out, judge="strict", judge_model="mock:j", ds=locomo)
    finally:
        MockBackend.reset()
    assert judged.tasks["qa"].extra["judges"]["judge_strict"]["n_judged"] > 0
