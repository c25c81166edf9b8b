"""Third-party agents that return plain strings, raise, hang or return junk: the run goes on.

Each test runs the real CLI on LoCoMo conv-30 (105 questions) with an agent file written the
way a newcomer would write it.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from memobench.cli import cli

AGENTS = '''
import hashlib, os, time
from pathlib import Path

CALLS = Path(os.environ["AGENT_CALLS"])

def _log(what):
    with open(CALLS, "a") as fh:
        fh.write(what + "\\n")

def _third(text):
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % 3 == 0

class Plain:
    """Returns a plain str: the most natural agent to write."""
    def __init__(self, *, context):
        pass
    def ingest(self, session, *, now):
        pass
    def answer(self, question, *, now):
        _log(question.text)
        return "Not mentioned in the conversation"

class Mapping(Plain):
    def answer(self, question, *, now):
        return {"text": "Not mentioned in the conversation", "retrieved": None}

class Flaky(Plain):
    """Raises on (a deterministic) third of the questions while FLAKY exists."""
    def answer(self, question, *, now):
        _log(question.text)
        if Path(os.environ["FLAKY"]).exists() and _third(question.text):
            raise ConnectionError("vector store unreachable")
        return "Not mentioned in the conversation"

class Junk(Plain):
    def answer(self, question, *, now):
        return 42

class Slow(Plain):
    async def answer(self, question, *, now):
        import asyncio
        if _third(question.text):
            await asyncio.sleep(30)
        return "Not mentioned in the conversation"

class BadIngest(Plain):
    def ingest(self, session, *, now):
        _log(f"ingest {session.index}")
        if session.index == 3:
            raise TimeoutError("extraction call timed out")

class OnceBadIngest(Plain):
    def ingest(self, session, *, now):
        _log(f"ingest {session.index}")
        if session.index == 3 and sum(1 for _ in open(CALLS)) < 5:
            raise TimeoutError("first try fails")
'''


def _run(tmp_path: Path, data_dir: str, monkeypatch, agent: str, *extra: str):  # type: ignore[no-untyped-def]
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "agents.py"
    path.write_text(AGENTS)
    monkeypatch.setenv("AGENT_CALLS", str(tmp_path / "calls.txt"))
    monkeypatch.setenv("FLAKY", str(tmp_path / "flaky"))
    args = ["run", "--agent", f"{path}:{agent}", "--model", "mock:unused"]
    args += ["--data-path", data_dir, "--conversations", "conv-30", "--out", str(tmp_path / "run")]
    return CliRunner().invoke(cli, [*args, *extra])


def _answers(tmp_path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(x) for x in (tmp_path / "run" / "answers.jsonl").read_text().splitlines()]


def _calls(tmp_path: Path) -> list[str]:
    p = tmp_path / "calls.txt"
    lines = p.read_text().splitlines() if p.exists() else []
    p.unlink(missing_ok=True)
    return lines


def _qa(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((tmp_path / "run" / "results.json").read_text())["tasks"]["qa"]


def test_plain_str_and_mapping_agents_answer_every_item(tmp_path, data_dir, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for agent in ("Plain", "Mapping"):
        result = _run(tmp_path / agent, data_dir, monkeypatch, agent)
        assert result.exit_code == 0, result.output
        answers = _answers(tmp_path / agent)
        assert len(answers) == 105 and all(a.get("error") is None for a in answers)
        qa = _qa(tmp_path / agent)
        assert qa["by_category"]["5"]["f1"]["value"] == 1.0 and "errors" not in qa["extra"]


def test_flaky_agent_records_errors_and_rerun_asks_only_them(
    tmp_path, data_dir, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "flaky").touch()
    result = _run(tmp_path, data_dir, monkeypatch, "Flaky")
    assert result.exit_code == 0, result.output
    errored = [a for a in _answers(tmp_path) if a.get("error")]
    assert 20 < len(errored) < 50  # about a third of 105
    assert len(_calls(tmp_path)) == 105
    e = errored[0]["error"]
    assert e["type"] == "ConnectionError" and e["message"] == "vector store unreachable"
    assert "in answer" in e["traceback_digest"] and e["attempts"] == 1
    qa = _qa(tmp_path)
    assert qa["extra"]["errors"]["count"] == len(errored)
    assert qa["extra"]["errors"]["by_conversation"] == {"conv-30": len(errored)}
    assert qa["metrics"]["missing"]["value"] == len(errored) / 105  # scored 0 and counted
    assert f"qa: {len(errored)} errored items" in result.output and "conv-30" in result.output

    (tmp_path / "flaky").unlink()
    again = _run(tmp_path, data_dir, monkeypatch, "Flaky")
    assert again.exit_code == 0, again.output
    assert len(_calls(tmp_path)) == len(errored)  # only the errored items were asked again
    assert "errors" not in _qa(tmp_path)["extra"]
    ids = Counter(a["item_id"] for a in _answers(tmp_path) if not a.get("error"))
    assert len(ids) == 105 and max(ids.values()) == 1


def test_wrong_return_type_names_agent_method_and_types(tmp_path, data_dir, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    result = _run(tmp_path, data_dir, monkeypatch, "Junk", "--limit", "3")
    assert result.exit_code == 0, result.output
    errors = [a["error"] for a in _answers(tmp_path)]
    assert len(errors) == 3 and errors[0]["type"] == "AdapterTypeError"
    assert errors[0]["message"].startswith("Junk.answer() returned int; accepted: str, Answer")


def test_item_timeout_records_a_timeout(tmp_path, data_dir, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    result = _run(tmp_path, data_dir, monkeypatch, "Slow", "--limit", "12", "--item-timeout", "0.5")
    assert result.exit_code == 0, result.output
    answers = _answers(tmp_path)
    timed_out = [a for a in answers if a.get("error")]
    assert len(answers) == 12 and 0 < len(timed_out) < 12
    assert {a["error"]["type"] for a in timed_out} == {"TimeoutError"}
    assert "--item-timeout 0.5s" in timed_out[0]["error"]["message"]


def test_failing_ingest_is_retried_then_errors_its_conversation(
    tmp_path, data_dir, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    result = _run(tmp_path, data_dir, monkeypatch, "BadIngest", "--limit", "5")
    assert result.exit_code == 0, result.output
    assert _calls(tmp_path).count("ingest 3") == 3  # bounded retries
    answers = _answers(tmp_path)
    assert len(answers) == 5 and all(a["error"]["phase"] == "ingest" for a in answers)
    assert answers[0]["error"]["attempts"] == 3

    ok = _run(tmp_path / "once", data_dir, monkeypatch, "OnceBadIngest", "--limit", "5")
    assert ok.exit_code == 0, ok.output
    assert all(a.get("error") is None for a in _answers(tmp_path / "once"))


def test_max_errors_stops_the_run_with_a_clear_message(tmp_path, data_dir, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "flaky").touch()
    result = _run(tmp_path, data_dir, monkeypatch, "Flaky", "--max-errors", "3")
    assert result.exit_code != 0, result.output
    assert "more than --max-errors 3 allows" in result.output
    n = len(_answers(tmp_path))
    # Items already in flight when the 4th error arrived may still land; the rest never ran.
    assert sum(1 for a in _answers(tmp_path) if a.get("error")) >= 4 and n < 105
