"""The loader against the real locomo10.json: exact counts and every §8.2 quirk."""

from __future__ import annotations

import json
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from memobench.data import QACategory, parse_turn_id
from memobench.datasets import QUIRK_ACTIONS, load_dataset, parse_date_time


def _all_qa(ds):  # type: ignore[no-untyped-def]
    return [q for c in ds.conversations for q in c.qa]


def _turns(ds):  # type: ignore[no-untyped-def]
    return [t for c in ds.conversations for s in c.sessions for t in s.turns]


def test_totals(locomo) -> None:  # type: ignore[no-untyped-def]
    assert locomo.counts() == {
        "conversations": 10,
        "sessions": 272,
        "turns": 5882,
        "qa": 1986,
        "image_turns": 910,
        "categories": {"1": 282, "2": 321, "3": 96, "4": 841, "5": 446},
    }
    turns = _turns(locomo)
    assert len(turns) == 5882
    assert sum(1 for t in turns if t.image and t.image.url) == 910
    assert sum(1 for t in turns if t.image and t.image.caption) == 1226
    assert sum(1 for t in turns if t.image and t.image.redownload) == 206
    anns = [a for c in locomo.conversations for a in c.annotations]
    assert len(anns) == 272
    assert sum(len(a.observations) for a in anns) == 2541
    assert sum(1 for a in anns if isinstance(a.summary, str) and a.summary) == 272
    assert sum(len(v) for a in anns for v in a.events.values()) == 669
    qa = _all_qa(locomo)
    assert sum(len(q.evidence_raw) for q in qa) == 2815
    # 2,824 ids after splitting, minus the unparseable "D" and the duplicate D4:5
    assert sum(len(q.evidence) for q in qa) == 2822
    assert [c.sample_id for c in locomo.conversations] == [
        "conv-26",
        "conv-30",
        "conv-41",
        "conv-42",
        "conv-43",
        "conv-44",
        "conv-47",
        "conv-48",
        "conv-49",
        "conv-50",
    ]


# §8.1 per-conversation table: sessions, turns, img_url turns, caption turns, QA by category
PER_CONV = {
    "conv-26": (19, 419, 77, 116, (32, 37, 13, 70, 47)),
    "conv-30": (19, 369, 30, 72, (11, 26, 0, 44, 24)),
    "conv-41": (32, 663, 77, 131, (31, 27, 8, 86, 41)),
    "conv-42": (29, 629, 80, 119, (37, 40, 11, 111, 61)),
    "conv-43": (29, 680, 123, 164, (31, 26, 14, 107, 64)),
    "conv-44": (28, 675, 149, 156, (30, 24, 7, 62, 35)),
    "conv-47": (31, 689, 81, 109, (20, 34, 13, 83, 40)),
    "conv-48": (30, 681, 108, 142, (21, 42, 10, 118, 48)),
    "conv-49": (25, 509, 86, 92, (37, 33, 13, 73, 40)),
    "conv-50": (30, 568, 99, 125, (32, 32, 7, 87, 46)),
}


@pytest.mark.parametrize("sample_id", sorted(PER_CONV))
def test_per_conversation_stats(locomo, sample_id: str) -> None:  # type: ignore[no-untyped-def]
    from memobench.datasets._stats import conversation_stats

    st = conversation_stats(locomo.conversation(sample_id))
    sessions, turns, images, captions, cats = PER_CONV[sample_id]
    assert (st.sessions, st.turns, st.image_turns, st.caption_turns) == (
        sessions,
        turns,
        images,
        captions,
    )
    assert tuple(st.qa_by_category[str(k)] for k in range(1, 6)) == cats


def test_quirk_counts(locomo) -> None:  # type: ignore[no-untyped-def]
    counts = locomo.report.counts()
    assert counts == {
        "cat5_without_answer": 444,
        "cat5_with_answer": 2,
        "integer_answer": 6,
        "answer_whitespace": 1,
        "empty_evidence": 4,
        "malformed_evidence": 5,
        "unparseable_evidence": 1,
        "zero_padded_evidence": 1,
        "missing_evidence_turn": 2,
        "duplicate_evidence_id": 1,
        "date_only_session": 16,
        "noon_written_as_am": 17,
        "duplicate_qa": 11,
        "contradictory_qa": 1,
        "caption_without_image": 316,
        "image_without_query": 22,
        "observation_ids_list": 10,
        "observation_ids_joined": 5,
    }
    assert set(counts) <= set(QUIRK_ACTIONS)


def _where(ds, kind):  # type: ignore[no-untyped-def]
    return [(q.sample_id, q.where) for q in ds.report.of_kind(kind)]


def test_quirk_locations(locomo) -> None:  # type: ignore[no-untyped-def]
    assert _where(locomo, "cat5_with_answer") == [("conv-26", "qa[167]"), ("conv-26", "qa[178]")]
    assert _where(locomo, "integer_answer") == [
        ("conv-26", f"qa[{i}]") for i in (1, 26, 40, 49, 72, 75)
    ]
    assert _where(locomo, "empty_evidence") == [
        ("conv-26", "qa[30]"),
        ("conv-26", "qa[46]"),
        ("conv-50", "qa[39]"),
        ("conv-50", "qa[42]"),
    ]
    assert _where(locomo, "malformed_evidence") == [
        ("conv-26", "qa[37]"),
        ("conv-43", "qa[18]"),
        ("conv-49", "qa[31]"),
        ("conv-49", "qa[38]"),
        ("conv-49", "qa[46]"),
    ]
    [unparseable] = locomo.report.of_kind("unparseable_evidence")
    assert (unparseable.sample_id, unparseable.where, unparseable.detail) == (
        "conv-42",
        "qa[88]",
        "'D'",
    )
    missing = [
        (q.sample_id, q.where, q.detail) for q in locomo.report.of_kind("missing_evidence_turn")
    ]
    assert missing == [("conv-42", "qa[58]", "D10:19"), ("conv-47", "qa[38]", "D4:36")]
    [zp] = locomo.report.of_kind("zero_padded_evidence")
    assert (zp.sample_id, zp.where) == ("conv-50", "qa[69]") and "D30:05" in zp.detail
    [dup] = locomo.report.of_kind("duplicate_evidence_id")
    assert (dup.sample_id, dup.where, dup.detail) == ("conv-50", "qa[5]", "D4:5")
    assert _where(locomo, "date_only_session") == [
        ("conv-26", f"session_{n}") for n in range(20, 36)
    ]
    assert _where(locomo, "duplicate_qa") == [("conv-48", f"qa[{i}]") for i in range(89, 100)]
    originals = [q.detail for q in locomo.report.of_kind("duplicate_qa")]
    assert originals == [f"same as qa[{i}]" for i in (16, 25, 42, 58, 61, 62, 63, 67, 69, 72, 74)]
    [contra] = locomo.report.of_kind("contradictory_qa")
    assert contra.sample_id == "conv-30"
    assert "conv-30:q61" in contra.where and "conv-30:q95" in contra.where
    assert _where(locomo, "answer_whitespace") == [("conv-30", "qa[37]")]


def test_category_5_answers(locomo) -> None:  # type: ignore[no-untyped-def]
    cat5 = [q for q in _all_qa(locomo) if q.category is QACategory.ADVERSARIAL]
    assert len(cat5) == 446
    assert sum(1 for q in cat5 if q.answer is None) == 444
    with_answer = [q for q in cat5 if q.answer is not None]
    assert [(q.qa_id, q.answer, q.adversarial_answer) for q in with_answer] == [
        ("conv-26:q167", "No", "Yes"),
        ("conv-26:q178", "No", "Yes"),
    ]
    assert all(
        q.answer is not None for q in _all_qa(locomo) if q.category is not QACategory.ADVERSARIAL
    )


def test_qa_ids_and_integer_answers(locomo) -> None:  # type: ignore[no-untyped-def]
    for c in locomo.conversations:
        assert [q.qa_id for q in c.qa] == [f"{c.sample_id}:q{i}" for i in range(len(c.qa))]
    index = locomo.qa_index()
    assert len(index) == 1986
    first = index["conv-26:q0"][1]
    assert first.qa_id == "conv-26:q0"
    for i, want in [(1, "2022"), (26, "2022"), (49, "2022"), (72, "2022"), (40, "2"), (75, "3")]:
        q = index[f"conv-26:q{i}"][1]
        assert q.answer == want and isinstance(q.answer, str)
    assert all(q.answer is None or isinstance(q.answer, str) for q in _all_qa(locomo))


def test_noon_repair_and_session_order(locomo) -> None:  # type: ignore[no-untyped-def]
    noon = [
        s
        for c in locomo.conversations
        for s in c.sessions
        if s.date_time_raw.lower().startswith("12:")
    ]
    assert len(noon) == 14  # 17 minus the 3 date-only sessions of conv-26 (22, 29, 35)
    for s in noon:
        assert "am" in s.date_time_raw and s.date_time.hour == 12
    s3 = locomo.conversation("conv-30").session(3)
    assert s3.date_time_raw == "12:48 am on 1 February, 2023"
    assert (s3.date_time.hour, s3.date_time.minute) == (12, 48)
    assert parse_date_time("12:05 am on 1 May, 2023")[0].hour == 12
    assert parse_date_time("12:05 am on 1 May, 2023")[1] is True
    when, quirk = parse_date_time("1:56 pm on 8 May, 2023")
    assert (when.year, when.month, when.day, when.hour, when.minute, quirk) == (
        2023,
        5,
        8,
        13,
        56,
        False,
    )
    for c in locomo.conversations:
        times = [s.date_time for s in c.sessions]
        assert all(a < b for a, b in pairwise(times)), c.sample_id
        idx = [s.index for s in c.sessions]
        assert idx == list(range(1, len(idx) + 1)), c.sample_id
        for s in c.sessions:
            assert [t.dia_id for t in s.turns] == [
                f"D{s.index}:{k}" for k in range(1, len(s.turns) + 1)
            ]
    assert sorted(locomo.conversation("conv-26").metadata["date_only_sessions"], key=int) == [
        str(n) for n in range(20, 36)
    ]


def test_evidence_cleaning(locomo) -> None:  # type: ignore[no-untyped-def]
    index = locomo.qa_index()
    q = index["conv-43:q18"][1]
    assert "D:11:26" in q.evidence_raw and "D11:26" in q.evidence
    q = index["conv-26:q37"][1]
    assert "D8:6; D9:17" in q.evidence_raw and {"D8:6", "D9:17"} <= set(q.evidence)
    q = index["conv-49:q38"][1]
    assert {"D22:1", "D22:2", "D9:10", "D9:11"} <= set(q.evidence)
    q = index["conv-42:q88"][1]
    assert "D" in q.evidence_raw and "D" not in q.evidence
    q = index["conv-50:q5"][1]
    assert q.evidence_raw == ("D4:5", "D4:5", "D5:5") and q.evidence == ("D4:5", "D5:5")
    q = index["conv-50:q69"][1]
    assert "D30:05" in q.evidence_raw and "D30:5" in q.evidence and "D30:05" not in q.evidence
    # every cleaned id is well-formed; only D10:19 and D4:36 name no turn
    dangling = []
    for c in locomo.conversations:
        known = c.turn_index()
        for q in c.qa:
            for e in q.evidence:
                assert parse_turn_id(e) is not None
                if e not in known:
                    dangling.append((q.qa_id, e))
    assert dangling == [("conv-42:q58", "D10:19"), ("conv-47:q38", "D4:36")]


def test_observation_ids(locomo) -> None:  # type: ignore[no-untyped-def]
    n_multi = 0
    for c in locomo.conversations:
        known = c.turn_index()
        for a in c.annotations:
            for o in a.observations:
                assert o.evidence and all(e in known for e in o.evidence)
                n_multi += len(o.evidence) > 1
    assert n_multi >= 5  # the 5 comma-joined strings were split


def test_matches_raw_file(locomo, locomo_path: Path) -> None:  # type: ignore[no-untyped-def]
    raw = json.loads(locomo_path.read_text())
    cats = Counter(q["category"] for s in raw for q in s["qa"])
    assert cats == {1: 282, 2: 321, 3: 96, 4: 841, 5: 446}
    for sample, conv in zip(raw, locomo.conversations, strict=True):
        assert sample["sample_id"] == conv.sample_id
        assert conv.speakers == (
            sample["conversation"]["speaker_a"],
            sample["conversation"]["speaker_b"],
        )
        for i, (rq, q) in enumerate(zip(sample["qa"], conv.qa, strict=True)):
            assert q.question == rq["question"] and int(q.category) == rq["category"], i
            assert list(q.evidence_raw) == rq["evidence"]


def test_dedupe(locomo_path: Path, locomo) -> None:  # type: ignore[no-untyped-def]
    ds = load_dataset(locomo_path, dedupe=True)
    assert ds.options == {"dedupe_qa": True}
    assert ds.counts()["qa"] == 1986 - 11
    assert ds.counts()["categories"]["4"] == 841 - 11
    c48 = ds.conversation("conv-48")
    ids = {q.qa_id for q in c48.qa}
    assert not ids & {f"conv-48:q{i}" for i in range(89, 100)}
    assert {"conv-48:q16", "conv-48:q74", "conv-48:q100"} <= ids  # originals and later ids kept
    # the contradictory conv-30 pair differs in category: both kept
    assert {"conv-30:q61", "conv-30:q95"} <= {q.qa_id for q in ds.conversation("conv-30").qa}
    # by registry name: the pinned-count check is skipped for a deduplicated load
    by_name = load_dataset("locomo10", data_path=locomo_path, dedupe=True)
    assert by_name.manifest is not None and by_name.sha256 == by_name.manifest.sha256
    assert by_name.counts()["qa"] == 1975
