"""LongMemEval on a fixture in its published format: mapping and no leaks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from memobench.datasets import DatasetFormatError, load_dataset

TINY = Path(__file__).parent / "fixtures" / "longmemeval_tiny.json"


def test_question_becomes_dated_conversation() -> None:
    ds = load_dataset(TINY, format="longmemeval")
    c = ds.conversations[0]
    assert c.speakers == ("user", "assistant")
    # Sorted by date, renamed S1..Sn: the filler (1 May) comes first.
    assert [s.date_time.day for s in c.sessions] == [1, 20, 23]
    q = c.qa[0]
    assert q.asked_at is not None and q.asked_at.isoformat() == "2023-05-30T23:40:00"
    assert q.label == "temporal-reasoning"
    assert q.evidence == ("D2:1", "D3:1")  # has_answer true turns only
    assert q.gold["answer_sessions"] == ["S2", "S3"]
    assert q.gold["session_ids"]["S1"] == "sharegpt_xyz_0"
    assert ds.conversations[1].qa[0].gold["abstention"] is True
    assert ds.report.counts()["has_answer_dropped"] == 3


def test_no_evidence_marker_in_agent_visible_fields() -> None:
    ds = load_dataset(TINY, format="longmemeval")
    for c in ds.conversations:
        visible = json.dumps([s.model_dump(mode="json") for s in c.sessions]) + c.sample_id
        assert "answer" not in visible and "has_answer" not in visible
        assert "_abs" not in visible and "q_" not in c.sample_id


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda r: r.pop("question_date"), "question_date"),
        (lambda r: r.__setitem__("haystack_dates", ["yesterday"] * 3), "haystack_dates[0]"),
        (lambda r: r["haystack_sessions"][0][0].__setitem__("role", "bot"), ".role"),
    ],
)
def test_malformed_names_file_record_field(tmp_path: Path, edit, field: str) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(TINY.read_text())
    edit(data[0])
    bad = tmp_path / "lme.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(DatasetFormatError) as err:
        load_dataset(bad, format="longmemeval")
    assert "lme.json" in str(err.value) and "q_temporal_1" in str(err.value)
    assert field in str(err.value)
