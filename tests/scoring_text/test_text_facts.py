"""Atomic-fact decomposition, judge parsing and FactScore-style P/R/F1."""

import asyncio

import numpy as np
import pytest
from _text_fakes import TableEmbed

from memobench.scoring.text import (
    DEFAULT_SUPPORT_THRESHOLD,
    EmbeddingSupporter,
    JudgeSupporter,
    aatomic_fact_prf,
    adecompose_with_judge,
    atomic_fact_prf,
    decompose_with_judge,
    load_prompt_template,
    parse_fact_list,
    parse_support_verdict,
    render_prompt,
    split_atomic_facts,
    split_atomic_facts_many,
)

# ------------------------------------------------------------------ heuristic decomposition


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        # and + new subject (name) -> split; list of objects -> kept
        (
            "Caroline went to a support group and Melanie painted a lake. "
            "She bought apples and pears.",
            [
                "Caroline went to a support group",
                "Melanie painted a lake",
                "She bought apples and pears",
            ],
        ),
        # shared subject -> not split; name list subject -> not split; ", but then they" -> split
        (
            "Melanie went hiking and took photos. "
            "Caroline and Melanie went camping, but then they went home.",
            [
                "Melanie went hiking and took photos",
                "Caroline and Melanie went camping",
                "they went home",
            ],
        ),
        # semicolons always split; abbreviations and initials do not end sentences
        (
            "Dr. Smith met J. K. Rowling; she signed a book",
            ["Dr. Smith met J. K. Rowling", "she signed a book"],
        ),
        # bullets and numbered lines; duplicates (case-insensitive) dropped
        (
            "- Jon lost his job\n2) Jon opened a studio.\n* jon lost his job",
            ["Jon lost his job", "Jon opened a studio"],
        ),
        # capitalised multi-word left side is a name list -> no split
        ("Mary Jane and Bob went out", ["Mary Jane and Bob went out"]),
        ("She ran and he walked!", ["She ran", "he walked"]),
        ("", []),
        ("  ...  ", []),
    ],
)
def test_split_atomic_facts(text, facts):
    assert split_atomic_facts(text) == facts


def test_split_is_deterministic_and_many_flattens():
    events = ["Gina opened a store and she hired two people.", "Gina opened a store."]
    assert split_atomic_facts_many(events) == ["Gina opened a store", "she hired two people"]
    assert split_atomic_facts_many(events) == split_atomic_facts_many(events)


# ------------------------------------------------------------------ P/R/F1 with a scripted judge

PRED = ["p1", "p2", "p3", "p4"]
GOLD = ["g1", "g2", "g3", "g4", "g5"]
# Scripted verdicts: 3 of 4 predicted facts supported, 2 of 5 gold facts covered.
TABLE = {"p1": True, "p2": True, "p3": False, "p4": True, "g1": True, "g3": True}


def scripted(fact, against):
    # The pred side must be checked against gold and vice versa.
    assert against == (GOLD if fact.startswith("p") else PRED)
    return TABLE.get(fact, False)


def test_prf_exact_fractions():
    s = atomic_fact_prf(PRED, GOLD, supports=scripted)
    # P = 3/4, R = 2/5, F1 = 2PR/(P+R) = 0.6/1.15 = 12/23
    assert s.precision == pytest.approx(3 / 4)
    assert s.recall == pytest.approx(2 / 5)
    assert s.f1 == pytest.approx(12 / 23)
    assert (s.n_pred, s.n_gold, s.supported_pred, s.covered_gold) == (4, 5, 3, 2)
    assert [d.side for d in s.details] == ["pred"] * 4 + ["gold"] * 5
    assert [d.supported for d in s.details] == [
        True,
        True,
        False,
        True,
        True,
        False,
        True,
        False,
        False,
    ]


def test_empty_prediction():
    calls = []
    s = atomic_fact_prf([], GOLD, supports=lambda f, a: calls.append(f) or True)
    assert (s.precision, s.recall, s.f1, s.n_pred) == (0.0, 0.0, 0.0, 0)
    assert calls == []  # against an empty list: unsupported without asking


def test_empty_gold_recall_undefined():
    s = atomic_fact_prf(PRED, [], supports=lambda f, a: True)
    assert s.recall is None and s.f1 is None
    assert s.precision == 0.0 and s.n_gold == 0


def test_sync_prf_rejects_async_supporter():
    async def sup(fact, against):
        return True

    with pytest.raises(TypeError):
        atomic_fact_prf(PRED, GOLD, supports=sup)


async def test_async_prf_matches_sync_and_limits_concurrency():
    running = 0
    peak = 0

    async def sup(fact, against):
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.001)
        running -= 1
        return scripted(fact, against)

    s = await aatomic_fact_prf(PRED, GOLD, supports=sup, max_concurrency=2)
    assert s == atomic_fact_prf(PRED, GOLD, supports=scripted)
    assert peak == 2


# ------------------------------------------------------------------ judge parsing / supporter


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        ("Yes.", True),
        ("no", False),
        ('{"supported": true}', True),
        ('```json\n{"supported": false}\n```', False),
        ('Reasoning... {"supported": "yes"}', True),
        ("The claim is not supported.", False),
        ("Unsupported", False),
        ("Supported: the facts say so", True),
        ("TRUE", True),
        ("I cannot tell", None),
        ("", None),
    ],
)
def test_parse_support_verdict(reply, verdict):
    assert parse_support_verdict(reply) is verdict


def test_judge_supporter_prompt_and_verdicts(support_template):
    replies = iter(["Yes", '{"supported": false}', "hmm?"])
    prompts = []

    def judge(prompt):
        prompts.append(prompt)
        return next(replies)

    sup = JudgeSupporter(judge, support_template)
    assert sup("Gina opened a store", ["Gina opened a store online", "Jon danced"]) is True
    assert sup("x", ["y"]) is False
    assert sup("x", ["y"]) is False  # unparseable -> conservative False
    assert sup.unparsed == 1
    assert "Claim: Gina opened a store\n" in prompts[0]
    assert "- Gina opened a store online\n- Jon danced" in prompts[0]
    assert '{"supported": true}' in prompts[0]  # literal JSON braces survive rendering


def test_judge_supporter_async_judge(support_template):
    async def judge(prompt):
        return "yes"

    sup = JudgeSupporter(judge, support_template)
    assert sup("a", ["b"]) is True  # no running loop: bridged with asyncio.run
    assert asyncio.run(sup.asupports("a", ["b"])) is True

    async def inside_loop():
        with pytest.raises(RuntimeError):
            sup("a", ["b"])

    asyncio.run(inside_loop())


async def test_judge_supporter_in_async_prf(support_template):
    async def judge(prompt):
        return "yes" if "Claim: p" in prompt else "no"

    sup = JudgeSupporter(judge, support_template)
    s = await aatomic_fact_prf(["p1", "p2"], ["g1"], supports=sup.asupports)
    assert (s.precision, s.recall) == (1.0, 0.0)


def test_template_validation_and_rendering(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("no placeholders", encoding="utf-8")
    with pytest.raises(ValueError, match="fact"):
        load_prompt_template(bad, ("fact", "context"))
    # Values are not re-scanned for placeholders.
    assert render_prompt("{fact}|{context}", fact="{context}", context="c") == "{context}|c"


# ------------------------------------------------------------------ judge decomposition


@pytest.mark.parametrize(
    ("reply", "facts"),
    [
        (
            '["Gina opened a store", "Gina hired staff"]',
            ["Gina opened a store", "Gina hired staff"],
        ),
        ('Sure:\n```json\n["a b", " "]\n```', ["a b"]),
        (
            "- Gina opened a store\n- Gina hired staff\n",
            ["Gina opened a store", "Gina hired staff"],
        ),
        ("Facts:\n1. one fact\n2) two fact", ["one fact", "two fact"]),
        ("no list here", []),
        ("[1, 2]", []),
    ],
)
def test_parse_fact_list(reply, facts):
    assert parse_fact_list(reply) == facts


def test_decompose_with_judge_and_fallback(decompose_template):
    text = "Gina opened a store and she hired staff."
    seen = []

    def judge(prompt):
        seen.append(prompt)
        return '["Gina opened a store", "Gina hired staff"]'

    assert decompose_with_judge(text, judge, template_path=decompose_template) == [
        "Gina opened a store",
        "Gina hired staff",
    ]
    assert "Text: " + text in seen[0]
    # Garbage reply -> heuristic
    assert decompose_with_judge(text, lambda p: "???", template_path=decompose_template) == [
        "Gina opened a store",
        "she hired staff",
    ]
    # Empty text -> [] without a call
    assert decompose_with_judge(" ", lambda p: 1 / 0, template_path=decompose_template) == []


async def test_adecompose_with_judge(decompose_template):
    async def judge(prompt):
        return "- a fact"

    assert await adecompose_with_judge("x y", judge, template_path=decompose_template) == ["a fact"]


# ------------------------------------------------------------------ embedding supporter


def test_embedding_supporter_threshold_is_inclusive_and_batched():
    emb = TableEmbed(
        {
            "fact": [1.0, 0.0],
            "near": [3.0, 4.0],  # norm exactly 5 -> cosine exactly 3/5 == 0.6 in floats
            "ortho": [0.0, 2.0],  # cosine 0, unnormalised on purpose
            "anti": [-3.0, 0.0],  # cosine -1
        }
    )
    sup = EmbeddingSupporter(emb, threshold=0.6)
    assert sup.max_similarity("fact", ["ortho", "near"]) == 0.6
    assert sup("fact", ["ortho", "near"]) is True  # >= threshold (inclusive)
    assert EmbeddingSupporter(emb, threshold=0.6000001)("fact", ["near"]) is False
    assert sup("fact", ["ortho", "anti"]) is False
    assert sup.max_similarity("fact", []) == -1.0
    # atomic_fact_prf primes the cache in one embed call
    emb2 = TableEmbed(emb.table)
    s = atomic_fact_prf(["fact"], ["near", "ortho"], supports=EmbeddingSupporter(emb2, 0.6))
    assert len(emb2.calls) == 1
    assert (s.precision, s.recall) == (1.0, 0.5)


def test_default_threshold_on_hand_made_pairs(minilm, fact_pairs):
    # Pins the documented calibration: accuracy 0.958 (46/48), all paraphrases accepted.
    sup = EmbeddingSupporter(minilm)
    verdicts = np.array([sup(a, [b]) for a, b, _ in fact_pairs])
    labels = np.array([bool(y) for _, _, y in fact_pairs])
    assert DEFAULT_SUPPORT_THRESHOLD == 0.80
    assert (verdicts == labels).mean() >= 46 / 48
    assert verdicts[labels].all()
