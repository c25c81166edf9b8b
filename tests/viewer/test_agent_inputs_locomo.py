"""Guard: on LoCoMo, nothing an agent receives through the real runner carries a gold answer,
an evidence marker, a category or an annotation, in any task (QA, event summary, dialogue).

``tests/datasets/test_ds_no_leaks.py`` covers BEAM, LongMemEval and LoCoMo-Plus QA; this file
covers plain LoCoMo and the two other tasks. A spy agent logs, in call order, every session,
question, event-summary request and dialogue context it is given.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from memobench.runner import RunConfig, Runner

AGENT_FILE = '''
from memobench.agents import Answer

class Spy:
    """Logs every input (as JSON, in call order); abstains, retrieving nothing."""
    version = "1"
    seen = []

    def __init__(self, *, context):
        pass

    def ingest(self, session, *, now):
        Spy.seen.append(("session", session.model_dump_json()))

    async def answer(self, question, *, now):
        Spy.seen.append(("question", question.model_dump_json()))
        return Answer(text="Not mentioned in the conversation.", retrieved=())

    def summarize_events(self, speaker, *, start, end, now):
        Spy.seen.append(("events", f"{speaker} {start.isoformat()} {end.isoformat()}"))
        return "nothing"

    def next_turn(self, context, *, now):
        Spy.seen.append(("turn", context.model_dump_json()))
        return "hello"
'''
CONV = "conv-30"
TURN_ID = re.compile(r"\bD\d+:\d+\b")


@pytest.fixture(scope="module")
def spied(tmp_path_factory: pytest.TempPathFactory, locomo_path: Path):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("spy")
    agent = tmp / "spy_agent.py"
    agent.write_text(AGENT_FILE)
    runner = Runner(
        RunConfig(
            agent=f"{agent}:Spy",
            model="mock:unused",
            dataset="locomo10",
            data_path=str(locomo_path.parents[1]),
            conversations=(CONV,),
            tasks=("qa", "event_summary", "dialogue"),
            task_options={"dialogue": {"max_items": 4}},
            concurrency=1,
            out=tmp / "run",
        )
    )
    runner.run()
    seen = list(runner.factory.target.seen)  # type: ignore[attr-defined]
    return runner.conversations[0], seen, tmp / "run"


def _of(seen: list[tuple[str, str]], kind: str) -> list[str]:
    return [text for k, text in seen if k == kind]


def test_every_task_was_asked(spied) -> None:  # type: ignore[no-untyped-def]
    conv, seen, _ = spied
    assert len(_of(seen, "session")) == len(conv.sessions)
    assert len(_of(seen, "question")) == len(conv.qa)  # all 105 of conv-30, none skipped
    assert len(_of(seen, "events")) == 2  # one per speaker
    assert len(_of(seen, "turn")) == 4  # the first 4 image turns


def test_questions_carry_no_gold_evidence_or_category(spied) -> None:  # type: ignore[no-untyped-def]
    conv, seen, _ = spied
    by_id = {q.qa_id: q for q in conv.qa}
    checked = 0
    for text in _of(seen, "question"):
        shown = json.loads(text)
        assert set(shown) == {"qa_id", "text", "raw_text", "instruction", "asked_at"}
        # no evidence marker in any field (the prompt names no turn id either)
        assert not TURN_ID.search(text), text
        qa = by_id[shown["qa_id"]]
        assert shown["raw_text"] == qa.question
        for word in ("category", "evidence", "adversarial"):
            assert word not in text
        if qa.category == 5 or qa.answer is None or qa.answer.lower() in qa.question.lower():
            continue  # category 5: the LoCoMo protocol shows the (a)/(b) options by design
        body = (shown["text"] + "\n" + shown["instruction"]).lower()
        assert qa.answer.lower() not in body, (qa.qa_id, qa.answer)
        checked += 1
    assert checked >= 70  # most category 1-4 answers were really checked


def test_sessions_are_the_dialogue_only(spied) -> None:  # type: ignore[no-untyped-def]
    conv, seen, _ = spied
    for text in _of(seen, "session"):
        s = json.loads(text)
        assert set(s) == {"index", "date_time_raw", "date_time", "turns"}
        for turn in s["turns"]:
            assert set(turn) <= {"dia_id", "speaker", "text", "image"}
    everything = "\n".join(t for _, t in seen)
    # annotations (the event-summary gold, observations, session summaries) never reach it
    gold = [
        *(e for a in conv.annotations for evs in a.events.values() for e in evs),
        *(o.text for a in conv.annotations for o in a.observations),
        *(a.summary for a in conv.annotations if a.summary),
    ]
    assert len(gold) > 20
    leaked = [g for g in gold if len(g) > 25 and g in everything]
    assert leaked == []


def test_dialogue_context_holds_no_future_turn(spied) -> None:  # type: ignore[no-untyped-def]
    conv, seen, _ = spied
    all_turns = [t for s in conv.sessions for t in s.turns]
    for i, (kind, text) in enumerate(seen):
        if kind != "turn":
            continue
        ctx = json.loads(text)
        session = conv.session(ctx["session"]["index"])
        n = len(ctx["session"]["turns"])
        gold = session.turns[n]  # the turn to generate comes right after the shown ones
        assert [t["dia_id"] for t in ctx["session"]["turns"]] == [
            t.dia_id for t in session.turns[:n]
        ]
        if sum(t.text == gold.text for t in all_turns) == 1 and len(gold.text) > 20:
            before = "\n".join(t for _, t in seen[: i + 1])
            assert gold.text not in before, gold.dia_id
        # sessions ingested so far all precede the turn's own session (none for session 1)
        ingested = [json.loads(t)["index"] for k, t in seen[:i] if k == "session"]
        assert max(ingested, default=0) < session.index


def test_real_run_records_the_diagnostic_blocks(spied) -> None:  # type: ignore[no-untyped-def]
    """The same run, through real scoring: results.json carries taxonomy, guards, latency."""
    conv, _, run = spied
    extra = json.loads((run / "results.json").read_text(encoding="utf-8"))["tasks"]["qa"]["extra"]
    n5 = sum(q.category == 5 for q in conv.qa)
    tax = extra["failure_taxonomy"]
    # abstains on everything, with an empty retrieved list: every answerable question is a
    # false abstention, every unanswerable one correct
    assert tax["n"] == len(conv.qa)
    assert tax["overall"]["false_abstention"] == len(conv.qa) - n5
    assert tax["overall"]["correct"] == n5
    guards = extra["retrieval_guards"]
    # empty retrieved lists: no bypass, but flagged (LoCoMo's official recall scores them 1.0)
    assert guards["flags"] == ["retrieval_no_ids"] and guards["mean_context_share"] == 0.0
    assert guards["n_no_ids"] == len(conv.qa)
    assert guards["conversations"][CONV] == {str(s.index): len(s.turns) for s in conv.sessions}
    assert extra["answer_latency"]["n"] == len(conv.qa)
