"""LongMemEval's yes/no judge through `memobench judge run` against the fake OpenAI server:
scripted verdicts, hand-computed overall / task-averaged / abstention accuracy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from memobench.cli import cli
from memobench.datasets import load_dataset
from memobench.judge import add_dataset_judged_scores
from memobench.llm import get_llm
from memobench.results import load_samples
from memobench.testing import FakeOpenAIServer


def _record(qid: str, qtype: str, question: str) -> dict:  # type: ignore[type-arg]
    return {
        "question_id": qid,
        "question_type": qtype,
        "question": question,
        "answer": "gold for " + question,
        "question_date": "2023/05/30 (Tue) 23:40",
        "haystack_session_ids": ["answer_x_1"],
        "haystack_dates": ["2023/05/20 (Sat) 10:00"],
        "haystack_sessions": [
            [
                {"role": "user", "content": "fact " + qid, "has_answer": True},
                {"role": "assistant", "content": "ok"},
            ]
        ],
        "answer_session_ids": ["answer_x_1"],
    }


# question -> the judge's scripted reply (q2 is unanswered: no call, scored 0).
ITEMS = [
    ("q1", "temporal-reasoning", "Q-one?", "yes"),
    ("q2", "temporal-reasoning", "Q-two?", None),
    ("q3", "single-session-user", "Q-three?", "Yes."),
    ("q4_abs", "single-session-user", "Q-four?", "yes"),
    ("q5", "knowledge-update", "Q-five?", "no, not a yes"),
]


@pytest.fixture
def lme(tmp_path: Path, make_ds_run):  # type: ignore[no-untyped-def]
    f = tmp_path / "lme.json"
    f.write_text(json.dumps([_record(q, t, text) for q, t, text, _ in ITEMS]))
    ds = load_dataset(f, format="longmemeval")
    preds = {
        c.qa[0].qa_id: "answer to " + c.qa[0].question
        for c, (_, _, _, reply) in zip(ds.conversations, ITEMS, strict=True)
        if reply is not None
    }
    return ds, make_ds_run(tmp_path, ds, ds.conversations, preds)


def _server(prompts: list[str]) -> FakeOpenAIServer:
    replies = {text: reply for _, _, text, reply in ITEMS}

    def reply(req) -> str:  # type: ignore[no-untyped-def]
        prompts.append(req.prompt)
        return next(r for q, r in replies.items() if q in req.prompt and r is not None)

    return FakeOpenAIServer(reply=reply)


def test_longmemeval_judge_aggregates(lme) -> None:  # type: ignore[no-untyped-def]
    ds, run = lme
    prompts: list[str] = []
    with _server(prompts) as srv:
        client = get_llm("openai:gpt-judge", base_url=srv.base_url, api_key="x")
        res = add_dataset_judged_scores(run, dataset="longmemeval", judge_model=client, ds=ds)
    assert len(prompts) == 4  # the unanswered item costs no call
    # Routes: temporal tolerates off-by-one days; the _abs item gets the abstention prompt.
    assert "off-by-one" in next(p for p in prompts if "Q-one?" in p)
    assert "unanswerable" in next(p for p in prompts if "Q-four?" in p)
    info = res.tasks["qa"].extra["judges"]["judge_longmemeval"]
    assert info["model"] == "openai:gpt-judge" and info["official_model"] == "gpt-4o-2024-08-06"
    assert len(info["prompt_sha256"]) == 64 and len(info["prompts"]) == 5
    assert info["official_options"] == [] and info["corrected"] == ["official_substring"]
    # correct = q1, q3, q4_abs; wrong = q2 (unanswered), q5 ("no, not a yes").
    got = info["dataset_scores"]
    assert got["accuracy"] == pytest.approx(3 / 5)
    # temporal 1/2, single-session-user 2/2, knowledge-update 0/1.
    assert got["task_averaged_accuracy"] == pytest.approx((0.5 + 1 + 0) / 3)
    assert got["abstention_accuracy"] == pytest.approx(1.0)
    m = res.tasks["qa"].metrics
    assert m["judge_longmemeval"].value == pytest.approx(3 / 5)
    assert m["judge_longmemeval_abstention"].value == pytest.approx(1.0)
    by_label = res.tasks["qa"].extra["by_label"]
    assert by_label["temporal-reasoning"]["judge_longmemeval"]["value"] == pytest.approx(0.5)
    samples = {s.item_id: s for s in load_samples(run)}
    assert (
        samples[ds.conversations[4].qa[0].qa_id].extra["judge_longmemeval"]["reply"]
        == "no, not a yes"
    )


def test_official_substring_option_via_cli(lme, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    ds, run = lme
    prompts: list[str] = []
    with _server(prompts) as srv:
        monkeypatch.setenv("OPENAI_API_KEY", "x")
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        import memobench.judge._rundir as mod

        monkeypatch.setattr(mod, "load_run_dataset", lambda spec, data_path, run_dir=None: ds)
        out = CliRunner().invoke(
            cli,
            [
                "judge",
                "run",
                str(run),
                "--judge",
                "longmemeval",
                "--judge-model",
                "openai:gpt-judge",
                "--official",
                "official_substring",
            ],
        )
    assert out.exit_code == 0, out.output
    res = json.loads((run / "results.json").read_text())["tasks"]["qa"]
    info = res["extra"]["judges"]["judge_longmemeval_official"]
    assert info["official_options"] == ["official_substring"]
    # Upstream's `'yes' in reply`: "no, not a yes" now counts, so q5 is correct.
    assert info["dataset_scores"]["accuracy"] == pytest.approx(4 / 5)
    assert info["dataset_scores"]["task_averaged_accuracy"] == pytest.approx((0.5 + 1 + 1) / 3)
    assert "accuracy: 0.8000" in out.output
    assert res["metrics"]["judge_longmemeval_official"]["value"] == pytest.approx(4 / 5)


def test_unknown_official_option_fails() -> None:
    from memobench.judge import DatasetJudge

    with pytest.raises(ValueError, match="official_parse"):
        DatasetJudge("longmemeval", "mock:x", official=("official_parse",))


def test_dataset_judge_calibrates_like_locomos(locomo) -> None:  # type: ignore[no-untyped-def]
    """`memobench judge calibrate --judge longmemeval`: the decoy set graded by the yes/no
    judge; a judge that answers "yes" to a gold decoy only is perfect (TPR 1, FPR 0)."""
    from memobench.judge import build_decoys, calibrate, make_judge

    decoys = build_decoys(locomo.conversations, n=4, seed=0)

    def reply(req) -> str:  # type: ignore[no-untyped-def]
        response = req.prompt.split("Model Response: ", 1)[1].split("\n\n", 1)[0]
        gold = req.prompt.split("Correct Answer: ", 1)[1].split("\n\n", 1)[0]
        d = next(d for d in decoys if d.gold == gold and d.answer == response)
        return "yes" if d.kind in ("gold", "paraphrase", "overlong") else "no"

    with FakeOpenAIServer(reply=reply) as srv:
        judge = make_judge("longmemeval", get_llm("openai:j", base_url=srv.base_url, api_key="x"))
        report = calibrate([judge], decoys, dataset="locomo10")
    cal = report.judges[0]
    assert cal.judge == "longmemeval" and cal.prompt_sha256 == judge.prompt_sha256
    assert cal.tpr == 1.0 and cal.fpr == 0.0
