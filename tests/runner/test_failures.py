"""Agents that fail, return odd things or hang: the run goes on and keeps everything.

Each agent is a third-party file loaded by path through the real CLI, exactly as a user's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from memobench.cli import cli

AGENTS = '''
import os, time

CALLS = os.environ["AGENT_CALL_LOG"]

def _log(qa_id):
    with open(CALLS, "a") as fh:
        fh.write(qa_id + "\\n")

class Plain:
    """Returns a bare str: the simplest agent anyone writes."""
    def __init__(self, *, context): pass
    def ingest(self, session, *, now): pass
    def answer(self, question, *, now):
        _log(question.qa_id)
        return "Not mentioned in the conversation"

class Mapping:
    def __init__(self, *, context): pass
    def ingest(self, session, *, now): pass
    def answer(self, question, *, now):
        return {"text": "Not mentioned in the conversation", "retrieved": [{"text": "y", "source_ids": ["D1:3"]}, {"text": "x", "source_ids": ["D2:1"]}]}

class EveryThird:
    """Raises on every third question (by its position in the conversation)."""
    def __init__(self, *, context): pass
    def ingest(self, session, *, now): pass
    def answer(self, question, *, now):
        _log(question.qa_id)
        n = int(question.qa_id.rsplit("q", 1)[1])
        if n % 3 == 2 and not os.environ.get("AGENT_HEALED"):
            raise ConnectionError(f"vector store timed out on {question.qa_id}")
        return "Not mentioned in the conversation"

class Weird:
    def __init__(self, *, context): pass
    def ingest(self, session, *, now): pass
    def answer(self, question, *, now):
        return 42

class Slow:
    def __init__(self, *, context): pass
    def ingest(self, session, *, now): pass
    async def answer(self, question, *, now):
        import asyncio
        if question.qa_id.endswith(":q1"):
            await asyncio.sleep(30)
        return "Not mentioned in the conversation"

class HalfSummary:
    """Summarizes for the first speaker only; fails for the other."""
    def __init__(self, *, context):
        self.first = context.speakers[0]
    def ingest(self, session, *, now): pass
    def answer(self, question, *, now):
        return "Not mentioned in the conversation"
    def summarize_events(self, speaker, *, start, end, now):
        if speaker != self.first:
            raise RuntimeError("summary store unavailable")
        return {"text": f"{speaker} talked about work and family."}

class BadIngest:
    tries = 0
    def __init__(self, *, context):
        self.conv = context.conversation_id
    def ingest(self, session, *, now):
        if self.conv == "conv-30" and session.index == 2:
            BadIngest.tries += 1
            with open(CALLS, "a") as fh:
                fh.write("ingest-fail\\n")
            raise RuntimeError("extraction returned bad JSON")
    def answer(self, question, *, now):
        return "Not mentioned in the conversation"
'''


@pytest.fixture
def agent_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "agents_under_test.py"
    path.write_text(AGENTS)
    monkeypatch.setenv("AGENT_CALL_LOG", str(tmp_path / "calls.log"))
    return path


def _run(agent: str, data_dir: str, out: Path, *extra: str, convs: str = "conv-30"):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        cli,
        ["run", "--agent", agent, "--model", "mock:unused", "--data-path", data_dir,
         "--conversations", convs, "--limit", "12", "--out", str(out), *extra],
    )  # fmt: skip


def _answers(out: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(x) for x in (out / "answers.jsonl").read_text().splitlines() if x.strip()]


def _calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "calls.log"
    return log.read_text().split() if log.exists() else []


def test_plain_string_answers_are_kept(agent_file: Path, data_dir: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = _run(f"{agent_file}:Plain", data_dir, out)
    assert result.exit_code == 0, result.output
    answers = _answers(out)
    assert len(answers) == 12 and all(a.get("error") is None for a in answers)
    assert {a["prediction"] for a in answers} == {"Not mentioned in the conversation"}
    res = json.loads((out / "results.json").read_text())
    assert res["tasks"]["qa"]["extra"].get("missing", 0) == 0
    assert res["tasks"]["qa"]["extra"].get("errors", {}).get("count", 0) == 0


def test_mapping_answer_with_retrieved_ids(agent_file: Path, data_dir: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = _run(f"{agent_file}:Mapping", data_dir, out)
    assert result.exit_code == 0, result.output
    assert {tuple(a["retrieved"]) for a in _answers(out)} == {("D1:3", "D2:1")}


def test_failing_items_are_recorded_and_retried_alone(
    agent_file: Path, data_dir: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    result = _run(f"{agent_file}:EveryThird", data_dir, out)
    assert result.exit_code == 0, result.output
    failed = {f"conv-30:q{n}" for n in range(12) if n % 3 == 2}
    errors = [a for a in _answers(out) if a.get("error")]
    assert {a["item_id"] for a in errors} == failed
    assert all(a["error"]["type"] == "ConnectionError" for a in errors)
    assert all("vector store timed out" in a["error"]["message"] for a in errors)
    assert all(a["error"]["attempts"] == 1 for a in errors)
    # No path of this machine in the traceback digest: file names only.
    assert all("/" not in a["error"]["traceback_digest"] for a in errors)
    assert "qa: 4 errored items (scored 0; rerun to retry them)" in result.output
    assert "qa: 4 items without an answer (scored 0)" in result.output
    assert "conv-30 4" in result.output
    res = json.loads((out / "results.json").read_text())
    assert res["tasks"]["qa"]["extra"]["errors"]["count"] == 4
    assert res["tasks"]["qa"]["extra"]["errors"]["by_conversation"] == {"conv-30": 4}
    samples = [json.loads(x) for x in (out / "samples.jsonl").read_text().splitlines()]
    errored = {s["item_id"]: s for s in samples if s["prediction"] is None}
    assert set(errored) == failed and all(s["scores"]["f1"] == 0.0 for s in errored.values())

    # The rerun asks exactly the failed items again (still failing) ...
    (tmp_path / "calls.log").unlink()
    result = _run(f"{agent_file}:EveryThird", data_dir, out)
    assert result.exit_code == 0, result.output
    assert set(_calls(tmp_path)) == failed and len(_calls(tmp_path)) == 4
    assert {a["error"]["attempts"] for a in _answers(out)[12:]} == {1}  # tries in this process
    # ... and once they succeed, the answers supersede the errors.
    monkeypatch.setenv("AGENT_HEALED", "1")
    (tmp_path / "calls.log").unlink()
    result = _run(f"{agent_file}:EveryThird", data_dir, out)
    assert result.exit_code == 0, result.output
    assert set(_calls(tmp_path)) == failed
    res = json.loads((out / "results.json").read_text())
    assert res["tasks"]["qa"]["extra"].get("errors", {}).get("count", 0) == 0
    assert res["tasks"]["qa"]["extra"].get("missing", 0) == 0
    assert "errored items" not in result.output


def test_wrong_return_type_names_agent_method_and_accepted(
    agent_file: Path, data_dir: str, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    agent = f"{agent_file}:Weird"
    result = _run(agent, data_dir, out)
    assert result.exit_code == 0, result.output
    errors = [a["error"] for a in _answers(out)]
    assert len(errors) == 12 and {e["type"] for e in errors} == {"AdapterTypeError"}
    msg = errors[0]["message"]
    assert "Weird.answer() returned int" in msg
    assert str(tmp_path) not in msg and agent_file.name in agent
    assert "accepted: str, Answer, or a mapping with 'text'" in msg


def test_max_errors_stops_the_run_early(agent_file: Path, data_dir: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = _run(f"{agent_file}:Weird", data_dir, out, "--max-errors", "3", "--concurrency", "1")  # fmt: skip
    assert result.exit_code == 2, result.output
    assert (
        "4 items errored, more than --max-errors 3 allows; the run stopped early" in result.output
    )
    assert len(_answers(out)) == 4


def test_item_timeout_fails_only_the_slow_item(
    agent_file: Path, data_dir: str, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    result = _run(f"{agent_file}:Slow", data_dir, out, "--item-timeout", "0.5")
    assert result.exit_code == 0, result.output
    errors = {a["item_id"]: a["error"] for a in _answers(out) if a.get("error")}
    assert list(errors) == ["conv-30:q1"]
    assert errors["conv-30:q1"]["type"] == "TimeoutError"
    assert "no reply within --item-timeout 0.5s" in errors["conv-30:q1"]["message"]


def test_failing_ingest_fails_that_conversation_only(
    agent_file: Path, data_dir: str, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    result = _run(f"{agent_file}:BadIngest", data_dir, out, convs="conv-26,conv-30")
    assert result.exit_code == 0, result.output
    assert _calls(tmp_path) == ["ingest-fail"] * 3  # retried, bounded
    answers = _answers(out)
    by_conv = {c: [a for a in answers if a["conversation_id"] == c] for c in ("conv-26", "conv-30")}
    assert all(a.get("error") is None for a in by_conv["conv-26"]) and len(by_conv["conv-26"]) == 12
    assert len(by_conv["conv-30"]) == 12
    assert all(a["error"]["phase"] == "ingest" for a in by_conv["conv-30"])
    assert all("extraction returned bad JSON" in a["error"]["message"] for a in by_conv["conv-30"])
    assert "conv-30 12" in result.output


def test_partial_event_summary_scores_missing_as_zero(
    agent_file: Path, data_dir: str, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(
        cli,
        ["run", "--agent", f"{agent_file}:HalfSummary", "--model", "mock:unused",
         "--data-path", data_dir, "--conversations", "conv-30", "--task", "event_summary",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    samples = [json.loads(x) for x in (out / "samples.jsonl").read_text().splitlines()]
    answered = [s for s in samples if s["prediction"] is not None]
    missing = [s for s in samples if s["prediction"] is None]
    assert answered and missing and len(samples) == len(answered) + len(missing)
    assert all(v == 0.0 for s in missing for v in s["scores"].values())
    assert set(missing[0]["scores"]) == {k for s in answered for k in s["scores"]}
    res = json.loads((out / "results.json").read_text())["tasks"]["event_summary"]
    assert res["extra"]["missing"] == len(missing)
    assert res["extra"]["errors"]["count"] == len(missing)
    key = res["main_metric"]
    mean = sum(s["scores"][key] for s in samples) / len(samples)
    assert abs(res["metrics"][key]["value"] - mean) < 1e-9  # over all items, not the answered
