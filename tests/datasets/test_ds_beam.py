"""BEAM 100K against the real files: counts, time anchors, and no evidence markers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from memobench.datasets import DatasetFormatError, get_format

#: Questions without source ids: the 40 abstention items plus items upstream left empty.
EMPTY_EVIDENCE = 45  # 40 abstention + 4 summarization + 1 preference_following


def test_counts_match_upstream(beam) -> None:  # type: ignore[no-untyped-def]
    tot = beam.counts()
    assert (tot["conversations"], tot["sessions"], tot["turns"], tot["qa"]) == (20, 90, 5732, 400)
    assert set(tot["labels"].values()) == {40} and len(tot["labels"]) == 10
    # Every marker counted in the reference: 2,127 main questions + 28 user + 44 assistant.
    assert beam.report.counts() == {"anchor_on_message": 90, "position_marker": 2199}


def test_no_marker_or_type_reaches_turns(beam) -> None:  # type: ignore[no-untyped-def]
    for c in beam.conversations:
        for s in c.sessions:
            for t in s.turns:
                assert "->->" not in t.text
                assert "main_question" not in t.text


def test_sessions_dated_by_anchor_and_evidence_resolves(beam) -> None:  # type: ignore[no-untyped-def]
    c1 = beam.conversation("beam-1")
    assert c1.sessions[0].date_time.date().isoformat() == "2024-03-15"
    for c in beam.conversations:
        dates = [s.date_time for s in c.sessions]
        assert dates == sorted(dates) and len(set(dates)) == len(dates)
        turns = c.turn_index()
        for q in c.qa:
            assert all(e in turns for e in q.evidence)
            assert q.asked_at == c.sessions[-1].date_time
            if q.label == "abstention":
                assert not q.evidence
    empty = [q for c in beam.conversations for q in c.qa if not q.evidence]
    assert len(empty) == EMPTY_EVIDENCE


def test_event_ordering_gold_is_the_rubric(beam) -> None:  # type: ignore[no-untyped-def]
    eo = [q for c in beam.conversations for q in c.qa if q.label == "event_ordering"]
    assert len(eo) == 40
    assert all(len(q.gold["rubric"]) == q.gold["total_mentions"] for q in eo)


def _chat(tmp_path: Path, chat: object, probes: object) -> Path:
    d = tmp_path / "1"
    d.mkdir()
    (d / "chat.json").write_text(json.dumps(chat))
    (d / "probing_questions.json").write_text(json.dumps(probes))
    return tmp_path


def test_malformed_names_file_record_field(tmp_path: Path) -> None:
    msg = {"role": "user", "id": 0, "content": "hi ->-> 1,1", "time_anchor": "Mars-1-2024"}
    root = _chat(tmp_path, [{"batch_number": 1, "time_anchor": None, "turns": [[msg]]}], {})
    with pytest.raises(DatasetFormatError) as err:
        get_format("beam").read(root)
    assert "chat.json" in str(err.value) and "beam-1" in str(err.value)
    assert "[0].time_anchor" in str(err.value)


def test_unknown_source_id_is_refused(tmp_path: Path) -> None:
    msg = {"role": "user", "id": 0, "content": "hi", "time_anchor": "March-1-2024"}
    probe = {"question": "q?", "answer": "a", "rubric": ["r"], "source_chat_ids": [7]}
    root = _chat(
        tmp_path, [{"time_anchor": None, "turns": [[msg]]}], {"information_extraction": [probe]}
    )
    with pytest.raises(DatasetFormatError, match=r"information_extraction\[0\].source_chat_ids"):
        get_format("beam").read(root)
