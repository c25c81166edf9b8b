"""The runner end to end with a scripted reader registered like a real model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from memobench.runner import RunConfig, RunConflictError, Runner, score_run_dir

CONV = ("conv-30",)


def _run(tmp_path: Path, data_dir: str, agent: str, **kw: object):  # type: ignore[no-untyped-def]
    cfg = RunConfig(
        agent=agent,
        model="mock:reader",
        data_path=data_dir,
        conversations=CONV,
        out=tmp_path / agent,
        concurrency=4,
        **kw,
    )  # type: ignore[arg-type]
    return Runner(cfg).run()


@pytest.mark.parametrize("agent", ["no-memory", "oracle", "long-context", "summary"])
def test_baselines_answer_every_question(
    tmp_path: Path, data_dir: str, scripted_reader: list[str], agent: str
) -> None:
    res = _run(tmp_path, data_dir, agent, limit=30)
    qa = res.tasks["qa"]
    assert qa.metrics["f1"].n == 30
    lines = (tmp_path / agent / "samples.jsonl").read_text().splitlines()
    assert len(lines) == 30
    first = json.loads(lines[0])
    assert first["item_id"] == "conv-30:q0" and "f1" in first["scores"]
    # The reader saw the LoCoMo QA prompt, never the gold answer of the question it answered.
    assert any("Short answer:" in p for p in scripted_reader)
    assert res.spec.models["reader"] == "mock:reader"
    assert res.spec.prompt_hashes["qa/qa"] and res.provenance.memobench_version


def test_oracle_context_holds_only_evidence(
    tmp_path: Path, data_dir: str, scripted_reader: list[str]
) -> None:
    res = _run(tmp_path, data_dir, "oracle", limit=5)
    assert res.tasks["qa"].metrics["recall"].value == 1.0
    # Oracle prompts are short: a few evidence turns, not the conversation.
    assert max(len(p) for p in scripted_reader) < 3000


def test_long_context_prompts_share_one_prefix(
    tmp_path: Path, data_dir: str, scripted_reader: list[str]
) -> None:
    _run(tmp_path, data_dir, "long-context", limit=10)
    prefixes = {p.split("Based on the above context")[0] for p in scripted_reader}
    assert len(prefixes) == 1  # identical conversation prefix → provider prefix caching works
    assert "DATE: " in next(iter(prefixes))


def test_rag_returns_retrieved_turns_for_recall(
    tmp_path: Path, data_dir: str, scripted_reader: list[str]
) -> None:
    res = _run(tmp_path, data_dir, "rag", limit=8, agent_config={"top_k": 5})
    recs = [json.loads(x) for x in (tmp_path / "rag" / "samples.jsonl").read_text().splitlines()]
    assert all(len(r["retrieved"]) == 5 for r in recs)
    assert all(r["retrieved"][0].startswith("D") for r in recs)
    assert 0.0 <= res.tasks["qa"].metrics["recall"].value <= 1.0


def test_category5_uses_two_option_protocol(
    tmp_path: Path, data_dir: str, scripted_reader: list[str]
) -> None:
    _run(tmp_path, data_dir, "no-memory")
    answers = [
        json.loads(x) for x in (tmp_path / "no-memory" / "answers.jsonl").read_text().splitlines()
    ]
    cat5 = [a for a in answers if "options" in a["extra"]]
    assert len(cat5) == 24  # conv-30 has 24 adversarial questions
    assert all("Not mentioned in the conversation" in a["extra"]["options"] for a in cat5)
    samples = {
        json.loads(x)["item_id"]: json.loads(x)
        for x in (tmp_path / "no-memory" / "samples.jsonl").read_text().splitlines()
    }
    assert all(samples[a["item_id"]]["scores"]["f1"] == 1.0 for a in cat5)


def test_rerun_of_finished_run_makes_no_model_calls(
    tmp_path: Path, data_dir: str, scripted_reader: list[str]
) -> None:
    first = _run(tmp_path, data_dir, "summary", limit=5)
    n_first = len(scripted_reader)
    second = _run(tmp_path, data_dir, "summary", limit=5)
    assert len(scripted_reader) == n_first  # nothing asked again, ingestion served by the cache
    assert second.tasks["qa"].metrics["f1"].value == first.tasks["qa"].metrics["f1"].value


def test_other_config_in_same_dir_is_refused(
    tmp_path: Path, data_dir: str, scripted_reader: list[str]
) -> None:
    _run(tmp_path, data_dir, "no-memory", limit=2)
    with pytest.raises(RunConflictError):
        Runner(
            RunConfig(
                agent="no-memory",
                model="mock:reader",
                data_path=data_dir,
                conversations=CONV,
                out=tmp_path / "no-memory",
                limit=3,
            )
        ).run()


def test_rescore_reproduces_results(
    tmp_path: Path, data_dir: str, scripted_reader: list[str]
) -> None:
    res = _run(tmp_path, data_dir, "no-memory", limit=12)
    again = score_run_dir(tmp_path / "no-memory", data_path=data_dir)
    assert again.tasks["qa"].model_dump() == res.tasks["qa"].model_dump()
