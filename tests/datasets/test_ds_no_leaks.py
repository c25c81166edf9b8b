"""Everything an agent receives through the real runner, on every new dataset: no gold, no
evidence marker, no category, no original ids."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from memobench.runner import RunConfig, Runner

AGENT_FILE = '''
from memobench.agents import Answer

class Spy:
    """Records every session and question it is shown (as JSON); abstains."""
    version = "1"
    seen = []

    def __init__(self, *, context):
        pass

    def ingest(self, session, *, now):
        Spy.seen.append(session.model_dump_json())

    async def answer(self, question, *, now):
        Spy.seen.append(question.model_dump_json())
        return Answer(text="I do not know.")
'''

FIXTURE = Path(__file__).parent / "fixtures" / "longmemeval_tiny.json"


def _spy(tmp_path: Path, dataset: str, data_path: str | None, conversations=None):  # type: ignore[no-untyped-def]
    agent = tmp_path / "spy_agent.py"
    agent.write_text(AGENT_FILE)
    runner = Runner(
        RunConfig(
            agent=f"{agent}:Spy",
            model="mock:unused",
            dataset=dataset,
            data_path=data_path,
            conversations=conversations,
            out=tmp_path / "run",
        )
    )
    runner.run()
    records = runner.factory.target.seen  # type: ignore[attr-defined]
    questions = "\n".join(r for r in records if '"qa_id"' in r)
    return runner, "\n".join(records), questions


def test_beam_agent_sees_no_marker_type_or_gold(tmp_path: Path, data_dir: Path) -> None:
    runner, seen, questions = _spy(tmp_path, "beam-100k", str(data_dir), ("beam-5",))
    assert "->->" not in seen  # chat 5's assistant messages echo markers too
    for word in ("question_type", "main_question", "batch_number", "rubric", "ideal_"):
        assert word not in seen
    conv = runner.conversations[0]
    assert questions.count('"qa_id"') == len(conv.qa) == 20
    for q in conv.qa:
        # Rubric phrases may echo the chat itself; they must never be in a question.
        assert q.label is not None and q.label not in questions
        for item in q.gold.get("rubric", []):
            assert item not in questions
        assert q.answer is not None
        if len(q.answer) > 3:  # "15" may well occur in another question
            assert q.answer not in questions


def test_longmemeval_agent_sees_no_evidence_ids(tmp_path: Path) -> None:
    data = tmp_path / "lme.json"
    shutil.copy(FIXTURE, data)
    runner, seen, _ = _spy(tmp_path, str(data), None)
    for word in ("has_answer", "answer_", "sharegpt", "ultrachat", "_abs", "temporal-reasoning"):
        assert word not in seen
    for c in runner.conversations:
        assert c.qa[0].answer not in seen
    assert json.loads(runner.factory.target.seen[-1])["text"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("item", [0, 7])
def test_locomo_plus_agent_sees_cue_only_as_a_turn(tmp_path: Path, data_dir: Path, item) -> None:  # type: ignore[no-untyped-def]
    sample = f"locomo-plus-{item:03d}"
    runner, seen, _ = _spy(tmp_path, "locomo-plus", str(data_dir), (sample,))
    q = runner.conversations[0].qa[0]
    for word in ("relation_type", q.gold["subtype"], q.gold["time_gap"], "cognitive", "A: "):
        assert word not in seen
    assert q.question in seen and seen.count(q.gold["cue"].split(": ", 1)[1].split("\n")[0]) == 1
