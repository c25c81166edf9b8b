"""Third-party agents: a file outside the package, a module:Class, redaction of questions."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from memobench.cli import cli

AGENT_FILE = '''
from memobench.agents import Answer

class Recorder:
    """Remembers sessions; abstains on everything. Records what it was shown."""
    version = "7"
    seen = []

    def __init__(self, *, context, greeting="hi"):
        self.sessions = []
        self.greeting = greeting

    def ingest(self, session, *, now):
        assert now == session.date_time
        self.sessions.append(session.index)

    async def answer(self, question, *, now):
        Recorder.seen.append(question.model_dump(mode="json"))
        assert self.sessions == sorted(self.sessions) and self.sessions
        return Answer(text="Not mentioned in the conversation")
'''


def test_agent_from_file_runs_via_cli(tmp_path: Path, data_dir: str) -> None:
    path = tmp_path / "my_agent.py"
    path.write_text(AGENT_FILE)
    out = tmp_path / "run"
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--agent",
            f"{path}:Recorder",
            "--model",
            "mock:unused",
            "--data-path",
            data_dir,
            "--conversations",
            "conv-30",
            "--out",
            str(out),
            "--agent-option",
            'greeting="yo"',
        ],
    )
    assert result.exit_code == 0, result.output
    res = json.loads((out / "results.json").read_text())
    assert res["spec"]["agent"] == {
        "name": f"{path}:Recorder",
        "version": "7",
        "config": {"greeting": "yo"},
    }
    qa = res["tasks"]["qa"]
    # Abstaining everywhere: category 5 is perfect, categories 1-4 are zero.
    assert qa["by_category"]["5"]["f1"]["value"] == 1.0
    assert qa["metrics"]["f1_cat1_4"]["value"] == 0.0
    assert "adversarial" in result.output and "overall, categories 1–4" in result.output


def test_questions_are_redacted(tmp_path: Path, data_dir: str) -> None:
    from memobench.runner import RunConfig, Runner

    path = tmp_path / "rec_agent.py"
    path.write_text(AGENT_FILE)
    runner = Runner(
        RunConfig(
            agent=f"{path}:Recorder",
            model="mock:unused",
            data_path=data_dir,
            conversations=("conv-30",),
            out=tmp_path / "r",
        )
    )
    runner.run()
    seen = runner.factory.target.seen  # type: ignore[attr-defined]
    assert len(seen) == 105
    assert set(seen[0]) == {"qa_id", "text", "raw_text", "instruction", "asked_at"}
    gold = {q.qa_id: q for q in runner.conversations[0].qa}
    for q in seen:
        g = gold[q["qa_id"]]
        if g.answer and g.category != 5 and len(g.answer) > 3:
            assert g.answer not in q["text"]


def test_unknown_agent_suggests_names(data_dir: str) -> None:
    result = CliRunner().invoke(
        cli, ["run", "--agent", "rga", "--model", "mock:x", "--data-path", data_dir]
    )
    assert result.exit_code != 0
    assert "Did you mean: rag" in str(result.exception) + result.output


def test_documented_external_memory_example_runs(tmp_path: Path, data_dir: str) -> None:
    from memobench.llm import MockBackend

    MockBackend.script("reader", lambda p: "Not mentioned" if "(a)" in p else "7 May 2023")
    example = Path(__file__).resolve().parents[2] / "examples" / "external_memory_agent.py"
    out = tmp_path / "ext"
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--agent",
            f"{example}:ExternalMemoryAgent",
            "--model",
            "mock:reader",
            "--data-path",
            data_dir,
            "--conversations",
            "conv-30",
            "--limit",
            "10",
            "--top-k",
            "3",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    samples = [json.loads(x) for x in (out / "samples.jsonl").read_text().splitlines()]
    assert all(len(s["retrieved"]) <= 3 for s in samples)
    assert any(s["scores"].get("recall", 0) > 0 for s in samples)  # keyword search finds evidence
    MockBackend.reset()
