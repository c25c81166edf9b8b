"""Category 5 (adversarial): the two-option question and how a reply is mapped back.

Expectations are written from LoCoMo's released ``get_cat_5_answer`` (task_eval/gpt_utils.py)
read as a specification, not copied: the reply is stripped and lowercased; a reply of exactly
one character picks option a when it contains ``a`` and option b otherwise; a reply of exactly
three characters picks option a when it contains ``(a)`` and option b otherwise; any other reply
is kept as it is (stripped, lowercased) and scored by the abstention-phrase rule.
"""

from __future__ import annotations

import pytest

from memobench.data import QACategory
from memobench.scoring import score_qa
from memobench.tasks import map_cat5_reply, render_question

ABSTAIN = "Not mentioned in the conversation"
OPTIONS = ("first option", "second option")


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        # one character: 'a' picks a, anything else picks b (LoCoMo's else branch)
        ("a", "first option"),
        ("A", "first option"),
        (" a\n", "first option"),
        ("b", "second option"),
        ("B", "second option"),
        ("x", "second option"),
        (".", "second option"),
        # three characters: '(a)' picks a, any other three characters pick b
        ("(a)", "first option"),
        ("(A)", "first option"),
        ("  (a)  ", "first option"),
        ("(b)", "second option"),
        ("(B)", "second option"),
        ("(c)", "second option"),
        ("a.b", "second option"),
        ("abc", "second option"),
        # any other length is kept, stripped and lowercased (not mapped to an option)
        ("", ""),
        ("   ", ""),
        ("a.", "a."),
        ("A)", "a)"),
        ("(a).", "(a)."),
        ("(a) first option", "(a) first option"),
        ("Not mentioned", "not mentioned"),
        ("Not mentioned in the conversation.", "not mentioned in the conversation."),
        ("Both (a) and (b)", "both (a) and (b)"),
        ("first option or second option", "first option or second option"),
        ("  SECOND OPTION!  ", "second option!"),
    ],
)
def test_map_cat5_reply_follows_get_cat_5_answer(reply: str, expected: str) -> None:
    assert map_cat5_reply(reply, OPTIONS) == expected


def test_mapping_uses_the_option_order_it_is_given() -> None:
    # Swapping the options must swap the outcome: the mapping is positional, never by content.
    swapped = (OPTIONS[1], OPTIONS[0])
    assert map_cat5_reply("a", swapped) == "second option"
    assert map_cat5_reply("(b)", swapped) == "first option"


def test_mapped_abstention_scores_one_and_distractor_zero() -> None:
    # Category 5 is scored by the phrase rule on the *mapped* text.
    opts = (ABSTAIN, "Melanie's brother")
    assert score_qa(map_cat5_reply("(a)", opts), None, QACategory.ADVERSARIAL) == 1.0
    assert score_qa(map_cat5_reply("b", opts), None, QACategory.ADVERSARIAL) == 0.0
    reversed_opts = (opts[1], opts[0])
    assert score_qa(map_cat5_reply("(a)", reversed_opts), None, QACategory.ADVERSARIAL) == 0.0
    assert score_qa(map_cat5_reply("B", reversed_opts), None, QACategory.ADVERSARIAL) == 1.0
    # Unmapped replies go to the phrase rule directly.
    assert score_qa(map_cat5_reply("Not mentioned", opts), None, QACategory.ADVERSARIAL) == 1.0
    assert score_qa(map_cat5_reply("", opts), None, QACategory.ADVERSARIAL) == 0.0


def _cat5(locomo):  # type: ignore[no-untyped-def]
    conv = locomo.conversation("conv-30")
    return conv, [q for q in conv.qa if q.category is QACategory.ADVERSARIAL]


def test_render_question_shows_both_options_with_a_non_empty_distractor(locomo) -> None:  # type: ignore[no-untyped-def]
    conv, items = _cat5(locomo)
    assert len(items) == 24
    for qa in items:
        rq = render_question(conv, qa, seed=0)
        assert rq.options is not None
        assert ABSTAIN in rq.options
        (distractor,) = [o for o in rq.options if o != ABSTAIN]
        # The distractor is the dataset's adversarial answer, never empty, never the gold.
        assert distractor and distractor == qa.adversarial_answer
        a, b = rq.options
        assert rq.question.text == f"{qa.question} Select the correct answer: (a) {a} (b) {b}. "
        # LoCoMo's QA_PROMPT_CAT_5, leading and trailing newline included.
        assert rq.question.instruction == (
            "\nBased on the above context, answer the following question.\n\n"
            f"Question: {rq.question.text} Short answer:\n"
        )
        assert rq.question.raw_text == qa.question


def test_option_order_is_seeded_per_question_and_both_orders_occur(locomo) -> None:  # type: ignore[no-untyped-def]
    conv, items = _cat5(locomo)

    def abstain_first(seed: int) -> list[bool]:
        out = []
        for qa in items:
            opts = render_question(conv, qa, seed=seed).options
            assert opts is not None
            out.append(opts[0] == ABSTAIN)
        return out

    seed0 = abstain_first(0)
    assert seed0 == abstain_first(0)  # stable across calls
    assert 0 < sum(seed0) < len(seed0)  # both orders occur on one conversation
    assert abstain_first(1) != seed0  # the order depends on the seed
    # Pinned: the option order of conv-30's 24 category-5 questions under seed 0. A change here
    # changes every category-5 score of every published run.
    assert "".join("a" if x else "b" for x in seed0) == PINNED_SEED0


# Recorded at this commit: "a" where the abstention is option (a) under seed 0, conv-30 order.
PINNED_SEED0 = "babbbaaabbabbbaabbbaaabb"


def test_other_categories_have_no_options(locomo) -> None:  # type: ignore[no-untyped-def]
    conv = locomo.conversation("conv-30")
    temporal = next(q for q in conv.qa if q.category is QACategory.TEMPORAL)
    rq = render_question(conv, temporal)
    assert rq.options is None
    assert rq.question.text == (
        temporal.question + " Use DATE of CONVERSATION to answer with an approximate date."
    )
    single = next(q for q in conv.qa if q.category is QACategory.SINGLE_HOP)
    rq = render_question(conv, single)
    assert rq.options is None and rq.question.text == single.question
    assert rq.question.instruction == (
        "\nBased on the above context, write an answer in the form of a short phrase for the "
        "following question. Answer with exact words from the context whenever possible.\n\n"
        f"Question: {single.question} Short answer:\n"
    )
    # The blind protocol shows the raw question: no hint, no options.
    cat5 = next(q for q in conv.qa if q.category is QACategory.ADVERSARIAL)
    for qa in (temporal, cat5):
        rb = render_question(conv, qa, protocol="blind")
        assert rb.options is None and rb.question.text == qa.question
    with pytest.raises(ValueError, match="unknown QA protocol"):
        render_question(conv, single, protocol="nope")
