"""Official scoring of LongMemEval, BEAM and Locomo-Plus: hand-computed test vectors, corrected
defaults and the official (broken) behaviour behind its option."""

from __future__ import annotations

import math

import pytest

from memobench.scoring import beam, locomo_plus, longmemeval

# ---- LongMemEval ---------------------------------------------------------------------------


def test_route_abstention_by_id_first() -> None:
    assert longmemeval.judge_route("q1_abs", "temporal-reasoning") == "abstention"
    assert longmemeval.judge_route("q1", "temporal-reasoning") == "temporal"
    assert longmemeval.judge_route("q1", "single-session-preference") == "preference"
    assert longmemeval.judge_route("q1", "multi-session") == "default"
    text, sha = longmemeval.judge_prompt("q", "temporal-reasoning", "How long?", "18 days", "19")
    assert "off-by-one" in text and "18 days" in text and "{" not in text and len(sha) == 64
    text, _ = longmemeval.judge_prompt("q_abs", "knowledge-update", "Q?", "never said", "r")
    assert "unanswerable" in text


def test_yes_parsing_corrected_and_official() -> None:
    assert longmemeval.parse_yes("Yes.") and not longmemeval.parse_yes("No, yes was wrong")
    assert not longmemeval.parse_yes("The eyes have it")
    assert longmemeval.parse_yes("The eyes have it", official_substring=True)


def test_qa_metrics_task_average() -> None:
    lab = longmemeval.QALabel
    labels = [
        lab("a", "multi-session", True),
        lab("b", "multi-session", True),
        lab("c", "multi-session", False),
        lab("d_abs", "multi-session", True),
        lab("e", "temporal-reasoning", False),
    ]
    m = longmemeval.qa_metrics(labels)
    assert m["accuracy"] == pytest.approx(3 / 5)
    assert m["task_averaged_accuracy"] == pytest.approx((3 / 4 + 0) / 2)
    assert m["abstention_accuracy"] == 1.0


def test_ndcg_first_two_ranks_undiscounted() -> None:
    assert longmemeval.dcg([0, 1]) == 1.0  # rank 2 is not discounted upstream
    assert longmemeval.dcg([0, 0, 1]) == pytest.approx(1 / math.log2(3))
    corpus = ["D1:1", "D1:3", "D2:1", "D3:1"]
    got = longmemeval.ndcg_any(["D2:1", "D3:1", "D1:1"], {"D3:1", "D1:1"}, 3, corpus)
    assert got == pytest.approx((1 + 1 / math.log2(3)) / 2)


def test_retrieval_turn_and_session_level() -> None:
    ranked = ["D2:1", "D2:3", "D1:1", "D3:1"]
    s = longmemeval.retrieval_scores(ranked, ["D1:1", "D3:1"], ranked)
    assert s["turn_recall_any@1"] == 0 and s["turn_recall_any@3"] == 1
    assert s["turn_recall_all@3"] == 0 and s["turn_recall_all@5"] == 1
    # Widened to k distinct sessions: top-2 sessions are D2, D1.
    assert longmemeval.top_sessions(ranked, 2) == ["D2", "D1"]
    assert s["session_recall_any@1"] == 0 and s["session_recall_any@3"] == 1
    assert s["session_recall_all@3"] == 1
    assert not longmemeval.retrieval_included("x_abs", ["D1:1"])
    assert not longmemeval.retrieval_included("x", [])


# ---- BEAM ----------------------------------------------------------------------------------


def test_kendall_tau_b_vectors() -> None:
    assert beam.kendall_tau_b([1, 2, 3], [1, 3, 2]) == pytest.approx(1 / 3)
    # One tie in y: nc=5, nd=0, n0=6, ties_y=1 -> 5/sqrt(6*5).
    assert beam.kendall_tau_b([1, 2, 3, 4], [1, 2, 4, 4]) == pytest.approx(5 / math.sqrt(30))
    assert math.isnan(beam.kendall_tau_b([1, 2, 3], [4, 4, 4]))


def test_event_ordering_score() -> None:
    ref = ["a", "b", "c"]
    perfect = beam.event_ordering_score(ref, ref)
    assert perfect["f1"] == 1 and perfect["tau_norm"] == 1 and perfect["final_score"] == 1
    swapped = beam.event_ordering_score(ref, ["a", "c", "b"])
    assert swapped["f1"] == 1 and swapped["tau_norm"] == pytest.approx((1 / 3 + 1) / 2)
    # Missing "c" and an extra "x": U = a,b,c,x; ranks ref 1,2,3,5 vs sys 1,2,5,3.
    part = beam.event_ordering_score(ref, ["a", "b", "x"])
    assert part["precision"] == pytest.approx(2 / 3) and part["recall"] == pytest.approx(2 / 3)
    tau = beam.kendall_tau_b([1, 2, 3, 5], [1, 2, 5, 3])
    assert part["tau_norm"] == pytest.approx((tau + 1) / 2)
    empty = beam.event_ordering_score(ref, [])
    assert empty["final_score"] == 0 and empty["tau_norm"] == 0  # NaN mapped to 0


def test_rubric_prompt_fills_question_unless_official() -> None:
    text, _ = beam.rubric_prompt("states 15", "It is 15.", "How many?")
    assert "How many?" in text and "<question>" not in text and "states 15" in text
    text, _ = beam.rubric_prompt(
        "states 15", "It is 15.", "How many?", official_unfilled_question=True
    )
    assert "<question>" in text and "How many?" not in text


def test_rubric_parsing_and_half_credit() -> None:
    assert beam.parse_rubric_score('```json\n{"score": 0.5, "reason": "x"}\n```') == 0.5
    assert beam.parse_rubric_score('Sure: {"score": "1.0", "reason": "ok"} done') == 1.0
    assert beam.parse_rubric_score("no json here") is None
    assert beam.question_score([1.0, 0.5], "summarization") == 0.75
    assert beam.question_score([1.0, 0.5], "summarization", official_int_truncation=True) == 0.5
    assert beam.question_score([1.0, 0.5], "event_ordering", official_int_truncation=True) == 0.75


def test_ability_report_event_ordering_uses_tau_norm() -> None:
    rows = [
        ("1", "abstention", {"llm_judge_score": 1.0}),
        ("1", "abstention", {"llm_judge_score": 0.0}),
        ("2", "abstention", {"llm_judge_score": 1.0}),
        ("1", "event_ordering", {"llm_judge_score": 0.2, "tau_norm": 0.8}),
    ]
    assert beam.ability_report(rows) == {"abstention": 0.75, "event_ordering": 0.8}


# ---- Locomo-Plus ---------------------------------------------------------------------------


def test_label_parsing_corrected_and_official() -> None:
    assert locomo_plus.parse_label('{"label": "wrong", "reason": "no"}') == "wrong"
    assert locomo_plus.parse_label("The answer is incorrect.") == "wrong"
    assert locomo_plus.parse_label("The answer is incorrect.", official_parse=True) == "correct"
    assert locomo_plus.parse_label('{"label": "maybe"}') is None
    assert locomo_plus.label_score(None) == 0.0 and locomo_plus.label_score("partial") == 0.5


def test_cognitive_prompt_sees_cue_and_prediction_only() -> None:
    text, sha = locomo_plus.judge_prompt("Caroline: I learned to say no.", "Say no again!")
    assert "Caroline: I learned to say no." in text and "Say no again!" in text
    assert "{evidence}" not in text and len(sha) == 64


def test_unified_scores() -> None:
    s = locomo_plus.unified_scores([("cognitive", 1.0), ("cognitive", 0.0), ("single-hop", 0.5)])
    assert s["overall_avg"] == pytest.approx(0.5)
    assert s["by_category_cognitive"] == 0.5 and s["by_category_single-hop"] == 0.5
