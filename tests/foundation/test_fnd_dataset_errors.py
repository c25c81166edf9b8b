"""Malformed input fails with DatasetFormatError naming file, sample and field; pinned counts."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from memobench.datasets import (
    DatasetFormatError,
    check_expected,
    load_dataset,
    locomo10,
    read_locomo_json,
)


def _sample(sample_id: str = "s-1") -> dict[str, Any]:
    return {
        "sample_id": sample_id,
        "conversation": {
            "speaker_a": "Ann",
            "speaker_b": "Bob",
            "session_1_date_time": "1:56 pm on 8 May, 2023",
            "session_1": [
                {"speaker": "Ann", "dia_id": "D1:1", "text": "hi"},
                {"speaker": "Bob", "dia_id": "D1:2", "text": "hello"},
            ],
            "session_2_date_time": "10:00 am on 9 May, 2023",
            "session_2": [{"speaker": "Ann", "dia_id": "D2:1", "text": "again"}],
        },
        "qa": [
            {"question": "q?", "answer": "hi", "evidence": ["D1:1"], "category": 4},
            {"question": "adv?", "adversarial_answer": "x", "evidence": [], "category": 5},
        ],
    }


def _write(tmp_path: Path, data: Any, name: str = "bad.json") -> Path:
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return p


def test_minimal_valid_file_loads(tmp_path: Path) -> None:
    ds = load_dataset(_write(tmp_path, [_sample()], "ok.json"))
    assert ds.name == "ok" and ds.counts()["turns"] == 3 and ds.counts()["qa"] == 2
    assert ds.manifest is None


def _raises(
    path: Path, sample: str | None, field: str | None, *in_message: str
) -> DatasetFormatError:
    with pytest.raises(DatasetFormatError) as info:
        load_dataset(path)
    err = info.value
    assert err.file == str(path)
    assert err.sample == sample
    assert err.field == field
    msg = str(err)
    assert str(path) in msg
    if sample is not None:
        assert sample in msg
    if field is not None:
        assert field in msg
    for part in in_message:
        assert part in msg, (part, msg)
    return err


def test_bad_json(tmp_path: Path) -> None:
    _raises(_write(tmp_path, '[{"sample_id": "s-1",'), None, None, "not valid JSON")


def test_not_a_list(tmp_path: Path) -> None:
    _raises(_write(tmp_path, {"sample_id": "s-1"}), None, None, "expected a JSON list", "dict")


def test_sample_not_an_object(tmp_path: Path) -> None:
    _raises(_write(tmp_path, [_sample(), "oops"]), "#1", "sample", "expected an object")


def test_missing_sample_id(tmp_path: Path) -> None:
    s = _sample()
    del s["sample_id"]
    _raises(_write(tmp_path, [_sample("s-0"), s]), "#1", "sample_id", "missing")


def test_missing_speaker_a(tmp_path: Path) -> None:
    s = _sample()
    del s["conversation"]["speaker_a"]
    _raises(_write(tmp_path, [s]), "s-1", "conversation.speaker_a", "missing")


def test_turn_text_not_a_string(tmp_path: Path) -> None:
    s = _sample()
    s["conversation"]["session_1"][0]["text"] = 42
    err = _raises(
        _write(tmp_path, [s]), "s-1", "conversation.session_1[0].text", "session_1[0].text", "int"
    )
    assert "expected str" in err.problem


def test_turn_not_an_object(tmp_path: Path) -> None:
    s = _sample()
    s["conversation"]["session_2"][0] = "just text"
    _raises(_write(tmp_path, [s]), "s-1", "conversation.session_2[0]", "expected an object")


@pytest.mark.parametrize("category", [7, 0, 6])
def test_unknown_category(tmp_path: Path, category: int) -> None:
    s = _sample()
    s["qa"][0]["category"] = category
    _raises(_write(tmp_path, [s]), "s-1", "qa[0].category", f"unknown category {category}")


def test_category_bool_or_string(tmp_path: Path) -> None:
    s = _sample()
    s["qa"][1]["category"] = "5"
    _raises(_write(tmp_path, [s]), "s-1", "qa[1].category", "expected int")


@pytest.mark.parametrize("category", [1, 2, 3, 4])
def test_non_adversarial_without_answer(tmp_path: Path, category: int) -> None:
    s = _sample()
    s["qa"][0]["category"] = category
    del s["qa"][0]["answer"]
    _raises(_write(tmp_path, [s]), "s-1", "qa[0].answer", "missing", "category-5")


@pytest.mark.parametrize("evidence", ["D1:1", [1], {"D1:1": 1}])
def test_evidence_not_a_list_of_strings(tmp_path: Path, evidence: Any) -> None:
    s = _sample()
    s["qa"][0]["evidence"] = evidence
    _raises(_write(tmp_path, [s]), "s-1", "qa[0].evidence", "list of strings")


@pytest.mark.parametrize(
    "date", ["8 May 2023", "25:00 pm on 8 May, 2023", "1:56 pm on 31 February, 2023", ""]
)
def test_unparseable_session_date(tmp_path: Path, date: str) -> None:
    s = _sample()
    s["conversation"]["session_2_date_time"] = date
    _raises(_write(tmp_path, [s]), "s-1", "conversation.session_2_date_time", "unparseable date")


def test_missing_session_date(tmp_path: Path) -> None:
    s = _sample()
    del s["conversation"]["session_2_date_time"]
    _raises(_write(tmp_path, [s]), "s-1", "conversation.session_2_date_time", "missing")


@pytest.mark.parametrize("date", ["1:00 pm on 7 May, 2023", "1:56 pm on 8 May, 2023"])
def test_sessions_out_of_order(tmp_path: Path, date: str) -> None:
    s = _sample()
    s["conversation"]["session_2_date_time"] = date  # before / equal to session 1
    _raises(_write(tmp_path, [s]), "s-1", "conversation.session_2_date_time", "not after session 1")


def test_duplicate_sample_id(tmp_path: Path) -> None:
    _raises(
        _write(tmp_path, [_sample("s-1"), _sample("s-2"), _sample("s-1")]),
        "s-1",
        "sample_id",
        "duplicate",
    )


def test_answer_of_wrong_type(tmp_path: Path) -> None:
    s = _sample()
    s["qa"][0]["answer"] = ["hi"]
    _raises(_write(tmp_path, [s]), "s-1", "qa[0].answer", "list")


def test_session_not_a_list(tmp_path: Path) -> None:
    s = _sample()
    s["conversation"]["session_1"] = {"D1:1": "hi"}
    _raises(_write(tmp_path, [s]), "s-1", "conversation.session_1", "expected a list of turns")


def test_read_locomo_json_raises_the_same(tmp_path: Path) -> None:
    s = _sample()
    del s["conversation"]["speaker_b"]
    p = _write(tmp_path, [s])
    with pytest.raises(DatasetFormatError) as info:
        read_locomo_json(p)
    assert (info.value.file, info.value.sample, info.value.field) == (
        str(p),
        "s-1",
        "conversation.speaker_b",
    )


def test_date_only_noon_pm_is_not_a_quirk(tmp_path: Path) -> None:
    s = _sample()
    s["conversation"]["session_3_date_time"] = "12:30 pm on 20 May, 2023"  # date-only, genuinely pm
    s["conversation"]["session_4_date_time"] = "12:30 am on 21 May, 2023"  # date-only, the quirk
    ds = load_dataset(_write(tmp_path, [s]))
    assert [q.where for q in ds.report.of_kind("date_only_session")] == ["session_3", "session_4"]
    assert [q.where for q in ds.report.of_kind("noon_written_as_am")] == ["session_4"]


# ---------------------------------------------------------------- pinned-count check


def test_pinned_count_check(tmp_path: Path, locomo_path: Path, locomo) -> None:  # type: ignore[no-untyped-def]
    manifest = locomo10()
    assert manifest.sha256 == locomo.sha256  # the shared file is the pinned one
    # registry load of the pinned file runs the check and passes
    pinned = load_dataset("locomo10", data_path=locomo_path)
    assert pinned.manifest == manifest
    check_expected(pinned)

    raw = json.loads(locomo_path.read_text())
    changed = copy.deepcopy(raw)
    assert changed[0]["qa"][0]["category"] == 2
    changed[0]["qa"][0]["category"] = 4
    copy_path = tmp_path / "locomo" / "locomo10.json"
    copy_path.parent.mkdir()
    copy_path.write_text(json.dumps(changed))
    by_path = load_dataset(copy_path)  # different sha256: no check
    assert by_path.sha256 != manifest.sha256
    assert by_path.counts()["categories"] == {"1": 282, "2": 320, "3": 96, "4": 842, "5": 446}
    by_name = load_dataset(
        "locomo10", data_path=tmp_path
    )  # registry name, changed file: no check either
    assert by_name.path == copy_path and by_name.counts()["categories"]["4"] == 842

    forged = dataclasses.replace(by_path, manifest=manifest, sha256=manifest.sha256)
    with pytest.raises(DatasetFormatError) as info:
        check_expected(forged)
    msg = str(info.value)
    assert "pinned counts do not match" in msg and "categories" in msg and "842" in msg
    assert info.value.file == str(copy_path)
    # counts that match do not raise; a deduplicated load is not checked
    check_expected(dataclasses.replace(locomo, manifest=manifest))
    check_expected(dataclasses.replace(forged, options={"dedupe_qa": True}))
    # a different mismatch: one conversation dropped
    fewer = dataclasses.replace(locomo, manifest=manifest, conversations=locomo.conversations[1:])
    with pytest.raises(DatasetFormatError, match="conversations: expected 10, got 9"):
        check_expected(fewer)


def test_zero_padded_session_key_is_a_format_error(tmp_path: Path) -> None:
    s = _sample()
    conv = s["conversation"]
    conv["session_01"] = conv.pop("session_1")
    conv["session_01_date_time"] = conv.pop("session_1_date_time")
    with pytest.raises(DatasetFormatError) as info:
        load_dataset(_write(tmp_path, [s]))
    assert info.value.sample == "s-1" and "session_01" in str(info.value.field)


def test_observation_speaker_value_not_a_list(tmp_path: Path) -> None:
    s = _sample()
    s["observation"] = {"session_1_observation": {"Ann": 5}}
    _raises(_write(tmp_path, [s]), "s-1", "observation.session_1_observation.Ann")


def test_event_summary_speaker_value_not_a_list(tmp_path: Path) -> None:
    s = _sample()
    s["event_summary"] = {"events_session_1": {"Ann": "moved house", "date": "8 May, 2023"}}
    with pytest.raises(DatasetFormatError) as info:
        load_dataset(_write(tmp_path, [s]))
    assert "event_summary.events_session_1" in str(info.value.field)
