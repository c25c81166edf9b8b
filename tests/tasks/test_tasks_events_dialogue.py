"""Wiring of the event-summary and dialogue tasks through the runner with a scripted reader."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from memobench.llm import MockBackend
from memobench.runner import RunConfig, Runner

REPO = Path(__file__).resolve().parents[2]
DATA = os.environ.get("MEMOBENCH_DATA_DIR") or str(REPO.parent / "shared" / "datasets")
CONV = "conv-30"


@pytest.fixture(autouse=True)
def _need_data() -> None:
    if not (Path(DATA) / "locomo" / "locomo10.json").is_file():
        pytest.skip("LoCoMo file not found (set MEMOBENCH_DATA_DIR)")


@pytest.fixture(scope="module")
def conv():  # type: ignore[no-untyped-def]
    from memobench.datasets import load_dataset

    ds = load_dataset("locomo10", data_path=DATA)
    return next(c for c in ds.conversations if c.sample_id == CONV)


def _gold_text(conv, speaker: str) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(
        e
        for a in sorted(conv.annotations, key=lambda a: a.index)
        for e in a.events.get(speaker, ())
    )


def _run(tmp_path: Path, agent: str, name: str, **kw):  # type: ignore[no-untyped-def]
    cfg = RunConfig(
        agent=agent,
        model=kw.pop("model", "mock:x"),
        tasks=kw.pop("tasks", ("event_summary", "dialogue")),
        data_path=DATA,
        conversations=(CONV,),
        out=tmp_path / name,
        progress=False,
        **kw,
    )
    results = Runner(cfg).run()
    read = lambda f: [json.loads(x) for x in (tmp_path / name / f).read_text().splitlines()]  # noqa: E731
    return results, read("answers.jsonl"), read("samples.jsonl")


def _gold_turn_reader(conv):  # type: ignore[no-untyped-def]
    """A reader that answers a dialogue prompt with the dataset's real next turn: it finds the
    session by its date and the position by the number of transcript lines shown."""
    by_date = {s.date_time_raw: s for s in conv.sessions}

    def reply(prompt: str) -> str:
        if "next message to" not in prompt:
            return "Jon opened a dance studio."
        _, rest = prompt.rsplit("CONVERSATION (", 1)
        date, rest = rest.split(") between ", 1)
        transcript = rest.split("\n", 1)[1].split("\nWrite ", 1)[0]
        return by_date[date].turns[len(transcript.splitlines())].text

    return reply


def test_items_and_keys(tmp_path: Path, conv) -> None:  # type: ignore[no-untyped-def]
    MockBackend.script("x", _gold_turn_reader(conv))
    opts = {"dialogue": {"max_items": 4, "text_turns": 2}}
    results, answers, samples = _run(tmp_path, "no-memory", "nm", task_options=opts)
    ev = [s for s in samples if s["task"] == "event_summary"]
    dia = [s for s in samples if s["task"] == "dialogue"]
    assert sorted(s["item_id"] for s in ev) == [f"{CONV}:events:Gina", f"{CONV}:events:Jon"]
    assert len(dia) == 4 and all(":turn:D" in s["item_id"] for s in dia)
    assert {a["task"] for a in answers} == {"event_summary", "dialogue"}
    assert all("prediction" in a for a in answers)
    assert set(ev[0]["scores"]) >= {
        "rouge1",
        "rouge2",
        "rougeL",
        "fact_precision_emb",
        "fact_recall_emb",
        "fact_f1_emb",
    }
    assert set(dia[0]["scores"]) == {"bleu1", "bleu2", "rougeL", "bertscore_f1", "mm_relevance"}
    assert dia[0]["extra"]["bertscore_implementation"] in {"onnx", "bert_score"}
    # Image turns get MM-relevance; the first turn of a session is never an item.
    assert all(
        (s["scores"]["mm_relevance"] is None) != bool(s["extra"].get("caption")) for s in dia
    )
    assert not any(s["item_id"].endswith(":1") for s in dia)
    assert results.tasks["event_summary"].main_metric == "fact_f1_emb"
    # The reader returned the gold next turn: text metrics are exactly 1 (BERTScore ~1), so
    # each item's gold is the dataset's next turn and the prompt showed exactly the turns before.
    # Known limitation (notes/validity.md): ``clean_turn`` cuts a reply at its first double
    # quote (the prompt opens one), so a turn quoting a title loses its end.
    pred = {a["item_id"]: a["prediction"] for a in answers if a["task"] == "dialogue"}
    turns = {t.dia_id: t.text for sess in conv.sessions for t in sess.turns}
    whole = 0
    for s in dia:
        sc, gold = s["scores"], turns[s["item_id"].split(":turn:")[1]]
        if '"' in gold:
            assert pred[s["item_id"]] == gold.split('"', 1)[0].strip()
            continue
        assert pred[s["item_id"]] == gold
        assert sc["bleu1"] == pytest.approx(1.0) and sc["rougeL"] == pytest.approx(1.0), s
        assert sc["bertscore_f1"] == pytest.approx(1.0, abs=1e-3)
        whole += 1
    assert whole >= 2


def test_perfect_and_empty_long_context(tmp_path: Path, conv) -> None:  # type: ignore[no-untyped-def]
    gold = {sp: _gold_text(conv, sp) for sp in conv.speakers}

    def perfect(prompt: str) -> str:
        # Each incremental step sees one session; answer the whole list once (first session only)
        # and "None" afterwards, so the appended running summary equals the gold text.
        for sp in conv.speakers:
            if f"significant life events of {sp}" in prompt:
                return gold[sp] if "EVENTS SO FAR:\n(none yet)" in prompt else "None"
        return "ok"

    MockBackend.script("x", perfect)
    opts = {"dialogue": {"max_items": 1}}
    _, _, samples = _run(tmp_path, "long-context", "lc", task_options=opts)
    ev = {s["item_id"]: s for s in samples if s["task"] == "event_summary"}
    for sp in conv.speakers:
        sc = ev[f"{CONV}:events:{sp}"]["scores"]
        assert sc["rouge1"] == pytest.approx(1.0) and sc["fact_f1_emb"] == pytest.approx(1.0)

    # Another mock name: the completion cache would replay the perfect answers.
    MockBackend.script("empty", lambda prompt: "")
    _, _, samples = _run(
        tmp_path, "long-context", "lc-empty", tasks=("event_summary",), model="mock:empty"
    )
    for s in samples:
        assert s["scores"]["rouge1"] == 0.0 and s["scores"]["fact_f1_emb"] == 0.0


def test_window_option_and_unsupported(conv) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from memobench.tasks._event_summary import EventSummaryTask, gold_events

    task = EventSummaryTask()
    items = task.items(conv, limit=None, options={"sessions": "2-3"})
    assert [(i.first, i.last) for i in items] == [(2, 3), (2, 3)]
    assert gold_events(conv, items[0]) == [
        e for a in conv.annotations if a.index in (2, 3) for e in a.events[items[0].speaker]
    ]
    rec = asyncio.run(task.ask(object(), conv, items[0], options={}))
    assert rec["prediction"] == "" and rec["extra"]["unsupported"] is True


def test_rag_smoke(tmp_path: Path) -> None:
    MockBackend.script("x", lambda prompt: "something")
    _, answers, samples = _run(tmp_path, "rag", "rag", task_options={"dialogue": {"max_items": 2}})
    assert len([s for s in samples if s["task"] == "event_summary"]) == 2
    assert len([s for s in samples if s["task"] == "dialogue"]) == 2
    assert all(a["prediction"] for a in answers)
