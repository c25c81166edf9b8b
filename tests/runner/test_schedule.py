"""Items are asked when due: an agent's memory never holds the future of what it is asked."""

from __future__ import annotations

from pathlib import Path

from memobench.runner import RunConfig, Runner

AGENT = """
from memobench.agents import Answer

class Clock:
    log = []

    def __init__(self, *, context):
        self.ingested = []

    def ingest(self, session, *, now):
        self.ingested.append(session.index)

    def answer(self, question, *, now):
        Clock.log.append(("qa", question.qa_id, max(self.ingested)))
        return Answer(text="x")

    def next_turn(self, context, *, now):
        Clock.log.append(("dialogue", context.session.index, max(self.ingested, default=0)))
        assert now == context.session.date_time
        return "hello"

    def summarize_events(self, speaker, *, start, end, now):
        Clock.log.append(("events", speaker, max(self.ingested)))
        return "nothing"
"""


def test_dialogue_turns_see_only_earlier_sessions(tmp_path: Path, data_dir: str) -> None:
    path = tmp_path / "clock.py"
    path.write_text(AGENT)
    runner = Runner(
        RunConfig(
            agent=f"{path}:Clock",
            model="mock:unused",
            data_path=data_dir,
            conversations=("conv-30",),
            tasks=("qa", "dialogue", "event_summary"),
            limit=40,
            out=tmp_path / "run",
            task_options={"event_summary": {"sessions": "1-3"}},
        )
    )
    runner.run()
    log = runner.factory.target.log  # type: ignore[attr-defined]
    dialogue = [e for e in log if e[0] == "dialogue"]
    assert dialogue and all(seen == session - 1 for _, session, seen in dialogue)
    assert all(seen == 19 for kind, _, seen in log if kind == "qa")  # after all 19 sessions
    events = [e for e in log if e[0] == "events"]
    assert len(events) == 2 and all(seen == 3 for *_, seen in events)  # window ends at session 3
