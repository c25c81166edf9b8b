"""The QA diagnostic blocks of ``results.json``: failure taxonomy, retrieval guards, answer
latency, computed by ``aggregate_task`` (the scoring path of every run) and printed in the
terminal summary. Truths are computed by hand."""

from __future__ import annotations

import io

from rich.console import Console

from memobench.results import (
    FLAG_CONTEXT_SHARE,
    FLAG_NO_IDS,
    FLAG_TOP_K_SESSIONS,
    SampleRecord,
    aggregate_task,
    context_share,
    guard_warnings,
    qa_table,
    retrieval_guards,
)

# Two tiny conversations of 3 sessions: c1 has 10 + 5 + 5 turns, c2 has 2 + 2 + 6.
SIZES = {"c1": {"1": 10, "2": 5, "3": 5}, "c2": {"1": 2, "2": 2, "3": 6}}


def _s(item, conv, cat, retrieved, f1, recall, **scores):  # type: ignore[no-untyped-def]
    return SampleRecord(
        item_id=item,
        conversation_id=conv,
        category=cat,
        prediction="x",
        retrieved=retrieved,
        scores={"f1": f1, "recall": recall, **scores},
    )


SAMPLES = [
    _s("c1:q0", "c1", 1, ["D1:1"], 0.8, 1.0),  # correct
    _s("c1:q1", "c1", 1, ["D2:1"], 0.1, 0.0),  # retrieval miss
    _s("c1:q2", "c1", 2, ["D1:2", "D2:3"], 0.0, 0.5),  # reader miss
    _s("c2:q0", "c2", 4, ["D1:1"], 0.0, None),  # no gold evidence: not scorable
    _s("c2:q1", "c2", 4, ["D3:1"], 0.0, 1.0, false_abstention=1.0),  # false abstention
    _s("c2:q2", "c2", 5, ["D1:1"], 0.0, None, abstain_on_unanswerable=0.0),  # missed abst.
]
ANSWERS = {
    s.item_id: {"latency_s": t}
    for s, t in zip(SAMPLES, [0.4, 0.1, 0.3, 0.2, 0.6, 0.5], strict=True)
}


def _aggregate(samples, **kw):  # type: ignore[no-untyped-def]
    return aggregate_task(
        samples,
        task="qa",
        task_version="1",
        scoring_version="1",
        main_metric="f1",
        n_boot=50,
        **kw,
    )


def test_taxonomy_per_category_in_results():
    tax = _aggregate(SAMPLES).extra["failure_taxonomy"]
    assert tax["n"] == 6 and tax["key"] == "f1"
    zero = dict.fromkeys(tax["overall"], 0)
    assert tax["per_category"] == {
        "1": zero | {"correct": 1, "retrieval_miss": 1},
        "2": zero | {"reader_miss": 1},
        "4": zero | {"not_scorable": 1, "false_abstention": 1},
        "5": zero | {"missed_abstention": 1},
    }
    # a stale block passed in is replaced; an agent without retrieved ids gets none
    stale = {"failure_taxonomy": {"n": 99}, "judges": {"x": 1}}
    assert _aggregate(SAMPLES, extra=stale).extra["failure_taxonomy"]["n"] == 6
    bare = [s.model_copy(update={"retrieved": None}) for s in SAMPLES]
    extra = _aggregate(bare, extra=stale).extra
    assert "failure_taxonomy" not in extra and extra["judges"] == {"x": 1}


def test_answer_latency_nearest_rank():
    lat = _aggregate(SAMPLES, answers=ANSWERS).extra["answer_latency"]
    # sorted: 0.1 0.2 0.3 0.4 0.5 0.6 -> p50 is the 3rd, p95 the 6th
    assert lat == {"p50_s": 0.3, "p95_s": 0.6, "n": 6}


def test_context_share_counts_sessions_and_turns_once():
    assert context_share(["D1:1", "D1:1", "D2:3"], SIZES["c1"]) == 2 / 20
    assert context_share(["S2", "D2:1", "D1:4"], SIZES["c1"]) == 6 / 20  # D2:1 inside S2
    assert context_share(["S1", "S2", "S3"], SIZES["c1"]) == 1.0
    assert context_share(["S1", "S2"], SIZES["c1"]) == 15 / 20
    assert context_share(["S9", "garbage"], SIZES["c1"]) == 0.0


def test_guards_quiet_for_a_narrow_retriever():
    block = retrieval_guards(SAMPLES, SIZES)
    assert block is not None and block["flags"] == []
    # shares: c1 1/20, 1/20, 2/20; c2 1/10, 1/10, 1/10 -> mean 1/12; at most 2 ids < 3 sessions
    assert abs(block["mean_context_share"] - 1 / 12) < 1e-12
    assert block["max_share_seen"] == 0.1
    assert block["n_top_k_reaches_sessions"] == 0 and block["n"] == 6


def test_guards_flag_a_bypass_both_ways():
    whole = [s.model_copy(update={"retrieved": ["S1", "S2", "S3"]}) for s in SAMPLES]
    block = retrieval_guards(whole, SIZES)
    assert block is not None
    assert block["flags"] == [FLAG_CONTEXT_SHARE, FLAG_TOP_K_SESSIONS]
    assert block["mean_context_share"] == 1.0 and block["n_top_k_reaches_sessions"] == 6
    # many turns but fewer ids than sessions: only the share fires
    wide = [_s("c2:q9", "c2", 1, ["S3", "D1:1"], 0.0, 0.0)]  # 7 of 10 turns, 2 ids < 3 sessions
    assert retrieval_guards(wide, SIZES)["flags"] == [FLAG_CONTEXT_SHARE]  # type: ignore[index]
    # as many turn ids as the conversation has turns (one turn, 20 times): only top-k fires
    deep = [_s("c1:q9", "c1", 1, ["D1:1"] * 20, 0.0, 0.0)]  # 1 of 20 turns
    assert retrieval_guards(deep, SIZES)["flags"] == [FLAG_TOP_K_SESSIONS]  # type: ignore[index]
    # as many turn ids as sessions is no bypass: turns are compared with turns (BEAM chats have
    # 3 sessions of hundreds of turns, and rag's top-10 turns flagged every question before)
    narrow = [_s("c1:q9", "c1", 1, ["D1:1", "D1:2", "D1:3"], 0.0, 0.0)]  # 3 ids, 3 sessions
    assert retrieval_guards(narrow, SIZES)["flags"] == []  # type: ignore[index]
    assert retrieval_guards(narrow, SIZES)["n_top_k_reaches_sessions"] == 0  # type: ignore[index]
    assert (
        retrieval_guards([s.model_copy(update={"retrieved": None}) for s in SAMPLES], SIZES) is None
    )
    assert "n_no_ids" not in retrieval_guards(SAMPLES, SIZES)  # type: ignore[operator]


def test_guards_flag_questions_whose_system_retrieved_no_ids() -> None:
    # An SDK whose memories cite no real turn (LangMem on a toy model): every retrieved list
    # is empty, and LoCoMo's official recall scores each such question 1.0.
    empty = [s.model_copy(update={"retrieved": []}) for s in SAMPLES[:4]] + SAMPLES[4:]
    block = retrieval_guards(empty, SIZES)
    assert block is not None and block["n_no_ids"] == 4 and block["n"] == 6
    assert block["flags"] == [FLAG_NO_IDS]
    (line,) = guard_warnings(block)
    assert line.startswith("4/6 questions retrieved no id of the conversation")


def _render(obj) -> str:  # type: ignore[no-untyped-def]
    buf = io.StringIO()
    Console(file=buf, width=160, color_system=None).print(obj)
    return buf.getvalue()


def test_terminal_summary_shows_taxonomy_and_warnings():
    result = _aggregate(SAMPLES)
    text = _render(qa_table(result))
    assert "Failure taxonomy (6 QA items" in text
    row = next(line for line in text.splitlines() if "1 multi-hop" in line and "│" in line)
    # the taxonomy row of category 1 (the score table's row has percentages)
    rows = [line for line in text.splitlines() if line.strip().startswith("│ 1 multi-hop")]
    assert len(rows) == 2 and row
    assert [c.strip() for c in rows[1].split("│")[2:8]] == ["1", "1", "0", "0", "0", "0"]
    assert "warning" not in text
    flagged = result.model_copy(
        update={
            "extra": {
                **result.extra,
                "retrieval_guards": retrieval_guards(
                    [s.model_copy(update={"retrieved": ["S1", "S2", "S3"]}) for s in SAMPLES],
                    SIZES,
                ),
            }
        }
    )
    text = _render(qa_table(flagged))
    assert "warning: retrieved context is 100% of the conversation" in text
    assert "warning: 6/6 questions retrieved as many units as the conversation holds" in text
