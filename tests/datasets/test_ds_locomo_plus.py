"""Locomo-Plus against the real file: counts, upstream stitching, unified set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from memobench.datasets import DatasetFormatError, get_format, load_dataset
from memobench.datasets._locomo_plus import gap_days


def test_counts_and_relation_types(locomo_plus) -> None:  # type: ignore[no-untyped-def]
    tot = locomo_plus.counts()
    assert tot["conversations"] == 401 and tot["qa"] == 401
    assert tot["subtypes"] == {"causal": 101, "goal": 100, "state": 100, "value": 100}
    assert locomo_plus.report.counts()["gap_unparsed"] == 15


def test_item0_stitched_as_upstream(locomo_plus) -> None:  # type: ignore[no-untyped-def]
    c = locomo_plus.conversations[0]
    assert c.metadata["base_conversation"] == "conv-26"
    q = c.qa[0]
    # Last session 22 Oct 2023 9:55 am -> trigger +7 days; "two weeks later" -> cue 15 Oct.
    assert q.asked_at is not None and q.asked_at.isoformat() == "2023-10-29T09:55:00"
    order = [s.index for s in c.sessions]
    cue = max(order)
    assert order[order.index(17) + 1] == cue
    assert c.session(cue).date_time.date().isoformat() == "2023-10-15"
    assert c.session(cue).turns[0].speaker == c.speakers[0]
    assert q.evidence == (f"D{cue}:1", f"D{cue}:2")
    assert not q.question.startswith("A:")


def test_gap_days_rule() -> None:
    assert gap_days("about two weeks later") == 14
    assert gap_days("a year later") == 365
    assert gap_days("3 months later") == 90
    assert gap_days("several months later") is None
    assert gap_days("a couple of months later") is None


def test_gap_distribution(locomo_plus) -> None:  # type: ignore[no-untyped-def]
    days = [c.qa[0].gold["gap_days"] for c in locomo_plus.conversations]
    assert days.count(0) == 15 and days.count(60) == 61 and days.count(90) == 64


def test_unified_is_locomo_plus_cognitive(data_dir: Path) -> None:
    ds = load_dataset("locomo-plus-unified", data_path=data_dir)
    tot = ds.counts()
    assert tot["qa"] == 1986 + 401
    assert tot["labels"]["cognitive"] == 401


def test_malformed_item(tmp_path: Path, data_dir: Path) -> None:
    (tmp_path / "locomo10.json").write_bytes((data_dir / "locomo/locomo10.json").read_bytes())
    bad = tmp_path / "lp.json"
    bad.write_text(json.dumps([{"relation_type": "goal", "cue_dialogue": "A: x"}]))
    with pytest.raises(DatasetFormatError) as err:
        get_format("locomo-plus").read(bad)
    assert "lp.json" in str(err.value) and "[0]" in str(err.value)
    assert "trigger_query" in str(err.value)
