from __future__ import annotations

import json
from pathlib import Path

from memobench._util import Provenance
from memobench.judge import add_judged_scores
from memobench.llm import MockBackend
from memobench.results import (
    AgentRef,
    DatasetRef,
    RunResults,
    RunSpec,
    SampleRecord,
    aggregate_task,
    load_samples,
    recompute_task_metrics,
)
from memobench.runner import RunDir


def make_run(tmp: Path, ds) -> Path:
    conv = ds.conversation("conv-26")
    qs = [q for q in conv.qa if int(q.category) in (2, 5)][:3] + [
        q for q in conv.qa if int(q.category) == 5
    ][:1]
    spec = RunSpec(
        dataset=DatasetRef(name="locomo10", sha256=ds.sha256, path=str(ds.path)),
        agent=AgentRef(name="fake"),
        tasks={"qa": "1"},
    )
    run = tmp / "run"
    RunDir(run).write_header(
        {
            "run_id": "r1",
            "config_hash": "c",
            "spec": spec.model_dump(mode="json"),
            "provenance": Provenance(
                memobench_version="0", created_at="2026-01-01T00:00:00+00:00"
            ).model_dump(mode="json"),
        }
    )
    samples = [
        SampleRecord(
            item_id=q.qa_id,
            conversation_id="conv-26",
            category=int(q.category),
            prediction=str(q.answer) if i % 2 == 0 else "something else",
            scores={"f1": 0.5},
        )
        for i, q in enumerate(qs)
    ]
    (run / "samples.jsonl").write_text("".join(s.model_dump_json() + "\n" for s in samples))
    qa = aggregate_task(samples, task="qa", task_version="1", scoring_version="1", main_metric="f1")
    res = RunResults(
        run_id="r1",
        config_hash="c",
        spec=spec,
        provenance=Provenance(memobench_version="0", created_at="2026-01-01T00:00:00+00:00"),
        tasks={"qa": qa},
    )
    (run / "results.json").write_text(res.model_dump_json())
    return run


def test_add_judged_scores_zero_agent_calls_and_cache(tmp_path, locomo) -> None:
    calls: list[str] = []

    def judge_fn(prompt: str) -> str:
        calls.append(prompt)
        return (
            "CORRECT" if "something else" not in prompt else '{"reasoning": "no", "label": "WRONG"}'
        )

    MockBackend.script("j", judge_fn)
    MockBackend.script("agent", lambda p: (_ for _ in ()).throw(AssertionError("agent called")))
    run = make_run(tmp_path, locomo)
    res = add_judged_scores(run, judge="strict", judge_model="mock:j")
    samples = {s.item_id: s for s in load_samples(run)}
    judged = [s for s in samples.values() if s.category != 5]
    assert len(calls) == len(judged) > 0
    for s in samples.values():
        if s.category == 5:
            assert s.scores["judge_strict"] is None
        else:
            assert s.scores["judge_strict"] == (0.0 if s.prediction == "something else" else 1.0)
    qa = res.tasks["qa"]
    info = qa.extra["judges"]["judge_strict"]
    assert info["model"] == "mock:j" and len(info["prompt_sha256"]) == 64 and info["n_errors"] == 0
    # results.json agrees with the generic recomputation (verify stays consistent)
    fresh = recompute_task_metrics(load_samples(run), "qa", 0)
    assert fresh.metrics["judge_strict"].value == qa.metrics["judge_strict"].value
    rows = [json.loads(line) for line in (run / "usage.jsonl").read_text().splitlines()]
    assert {r["phase"] for row in rows for r in row["rows"]} == {"judge"}
    # second run: everything from cache
    add_judged_scores(run, judge="strict", judge_model="mock:j")
    assert len(calls) == len(judged)
    last = json.loads((run / "usage.jsonl").read_text().splitlines()[-1])["rows"][0]
    assert last["calls"] == 0 and last["cache_hits"] == len(judged)


def test_length_capped_key(tmp_path, locomo) -> None:
    seen: list[str] = []
    MockBackend.script("j2", lambda p: seen.append(p) or "WRONG")
    run = make_run(tmp_path, locomo)
    res = add_judged_scores(run, judge="lenient", judge_model="mock:j2", max_answer_words=1)
    assert "judge_lenient_w1" in res.tasks["qa"].metrics
    assert all("Answer to grade: something\n" in p for p in seen if "something" in p)
    assert res.tasks["qa"].extra["judges"]["judge_lenient_w1"]["max_answer_words"] == 1
