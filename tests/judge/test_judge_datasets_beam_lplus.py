"""BEAM's rubric judge + event ordering, and Locomo-Plus's correct/partial/wrong judge, against
the fake OpenAI server with scripted verdicts; expected aggregates computed by hand."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from memobench.datasets import load_dataset
from memobench.judge import add_dataset_judged_scores
from memobench.llm import get_llm
from memobench.results import load_samples
from memobench.testing import FakeOpenAIServer

_CRITERION = re.compile(r"RUBRIC CRITERION: (.*?)\n\nLLM RESPONSE:", re.DOTALL)
_EQUIV = re.compile(r"Reference event:\n(.*?)\n\nListed event:\n(.*?)\n\n", re.DOTALL)


@functools.cache
def _load(name: str, data: Path):  # type: ignore[no-untyped-def]
    return load_dataset(name, data_path=data)


@pytest.fixture
def beam(data_root: Path):  # type: ignore[no-untyped-def]
    if not (data_root / "beam" / "100K").is_dir():
        pytest.skip(f"BEAM/Locomo-Plus not found under {data_root}; set MEMOBENCH_DATA_DIR")
    return _load("beam-100k", data_root)


@pytest.fixture
def unified(data_root: Path):  # type: ignore[no-untyped-def]
    if not (data_root / "locomo_plus").is_dir():
        pytest.skip(f"BEAM/Locomo-Plus not found under {data_root}; set MEMOBENCH_DATA_DIR")
    return _load("locomo-plus-unified", data_root)


def _beam_run(tmp_path, beam, make_run):  # type: ignore[no-untyped-def]
    c1, c2 = beam.conversations[0], beam.conversations[1]
    eo = next(q for q in c1.qa if q.label == "event_ordering")
    ie1 = next(q for q in c1.qa if q.label == "information_extraction")
    ie2 = next(q for q in c2.qa if q.label == "information_extraction")
    rubric = list(eo.gold["rubric"])
    # The events listed in reverse order, plus one the reference does not have.
    preds = {
        eo.qa_id: "\n".join([*reversed(rubric), "An unrelated event"]),
        ie1.qa_id: "answer one",
        ie2.qa_id: "answer two",
    }
    c1 = c1.model_copy(update={"qa": (eo, ie1)})
    c2 = c2.model_copy(update={"qa": (ie2,)})
    return make_run(tmp_path, beam, [c1, c2], preds), eo, ie1, ie2


def _beam_reply(req) -> str:  # type: ignore[no-untyped-def]
    m = _EQUIV.search(req.prompt)
    if m:  # alignment: the same text is the same event
        return "YES" if m.group(1).strip() == m.group(2).strip() else "NO"
    criterion = _CRITERION.search(req.prompt)
    assert criterion is not None
    # "answer one" meets every criterion half; "answer two" fully; event lists fully.
    score = 0.5 if "LLM RESPONSE: answer one" in req.prompt else 1.0
    return f'```json\n{{"score": {score}, "reason": "scripted"}}\n```'


@pytest.mark.parametrize("official", [(), ("official_int_truncation",)])
def test_beam_per_ability_and_event_ordering(tmp_path, beam, official, make_ds_run) -> None:  # type: ignore[no-untyped-def]
    run, eo, _, _ = _beam_run(tmp_path, beam, make_ds_run)
    with FakeOpenAIServer(reply=_beam_reply) as srv:
        client = get_llm("openai:gpt-judge", base_url=srv.base_url, api_key="x")
        res = add_dataset_judged_scores(
            run, dataset="beam", judge_model=client, official=official, ds=beam
        )
    key = "judge_beam_official" if official else "judge_beam"
    info = res.tasks["qa"].extra["judges"][key]
    n = len(eo.gold["rubric"])
    # Ranks over U = reference + the extra event (|U| = n + 1; missing items rank n + 2).
    # Reference pairs all discordant (n(n-1)/2); each (event, extra) pair concordant (n).
    tau = (n - n * (n - 1) / 2) / (n * (n + 1) / 2)
    tau_norm = (tau + 1) / 2
    half = 0.0 if official else 0.5  # int(0.5) == 0 upstream
    per_chat_ie = [half, 1.0]  # chat 1 "answer one", chat 2 "answer two"
    got = info["dataset_scores"]
    assert got["ability_event_ordering"] == pytest.approx(tau_norm)  # upstream reports tau_norm
    assert got["ability_information_extraction"] == pytest.approx(sum(per_chat_ie) / 2)
    assert got["mean_over_abilities"] == pytest.approx((tau_norm + sum(per_chat_ie) / 2) / 2)
    sfx = "_official" if official else ""
    s = {r.item_id: r for r in load_samples(run)}[eo.qa_id].scores
    f1 = 2 * n / (2 * n + 1)  # precision n/(n+1), recall 1
    assert s[f"judge_beam_eo_f1{sfx}"] == pytest.approx(f1)
    assert s[f"judge_beam_eo_final{sfx}"] == pytest.approx(tau_norm * f1)
    assert s[f"judge_beam_rubric{sfx}"] == 1.0
    assert info["official_options"] == list(official)
    assert res.tasks["qa"].extra["by_label"]["event_ordering"][key]["value"] == pytest.approx(
        tau_norm
    )


def test_beam_question_placeholder(tmp_path, beam) -> None:  # type: ignore[no-untyped-def]
    from memobench.scoring import beam as beam_scoring

    q = beam.conversations[0].qa[0]
    fixed, sha = beam_scoring.rubric_prompt("crit", "resp", q.question)
    official, sha2 = beam_scoring.rubric_prompt(
        "crit", "resp", q.question, official_unfilled_question=True
    )
    assert f"QUESTION: {q.question}" in fixed and "QUESTION: <question>" in official
    assert sha == sha2 and len(sha) == 64


def _lplus_items(unified):  # type: ignore[no-untyped-def]
    base = unified.conversation("conv-26")
    single = next(q for q in base.qa if int(q.category) == 1)
    adversarial = next(q for q in base.qa if int(q.category) == 5)
    cognitive = [c for c in unified.conversations if c.metadata.get("base_conversation")][:4]
    return base.model_copy(update={"qa": (single, adversarial)}), single, adversarial, cognitive


# Cognitive item i -> the judge's reply (3: non-JSON "incorrect", read as correct upstream).
COGNITIVE_REPLIES = [
    '{"label": "correct", "reason": "uses the cue"}',
    '{"label": "partial", "reason": "half"}',
    '{"label": "wrong", "reason": "ignores it"}',
    "The reply is incorrect.",
]


@pytest.mark.parametrize("official", [False, True])
def test_locomo_plus_unified_score(tmp_path, unified, official, make_ds_run) -> None:  # type: ignore[no-untyped-def]
    base, single, adversarial, cognitive = _lplus_items(unified)
    preds = {single.qa_id: "an answer", adversarial.qa_id: "Not mentioned in the conversation"}
    preds.update({c.qa[0].qa_id: f"reply {i}" for i, c in enumerate(cognitive)})
    run = make_ds_run(tmp_path, unified, [base, *cognitive], preds)
    cues = [c.qa[0].gold["cue"] for c in cognitive]

    seen: dict[str, str] = {}

    def reply(req) -> str:  # type: ignore[no-untyped-def]
        if "Memory Awareness Judge" in req.prompt:
            return COGNITIVE_REPLIES[next(i for i, cue in enumerate(cues) if cue in req.prompt)]
        if "Fact-Checking Judge" in req.prompt:  # the multi-hop item
            seen["fact"] = req.prompt
            return '{"label": "partial", "reason": "main entity only"}'
        assert "Skeptical Judge" in req.prompt
        seen["skeptical"] = req.prompt
        return '{"label": "correct", "reason": "refuses"}'

    with FakeOpenAIServer(reply=reply) as srv:
        client = get_llm("openai:gpt-judge", base_url=srv.base_url, api_key="x")
        res = add_dataset_judged_scores(
            run,
            dataset="locomo-plus",
            judge_model=client,
            official=("official_parse",) if official else (),
            ds=unified,
        )
    key = "judge_locomo_plus_official" if official else "judge_locomo_plus"
    got = res.tasks["qa"].extra["judges"][key]["dataset_scores"]
    last = 1.0 if official else 0.0  # "incorrect" contains "correct" upstream
    cognitive_scores = [1.0, 0.5, 0.0, last]
    # LoCoMo items: the multi-hop one is judged partial (0.5), the adversarial refusal correct.
    assert got["overall_avg"] == pytest.approx((sum(cognitive_scores) + 1.5) / 6)
    assert got["by_category_cognitive"] == pytest.approx(sum(cognitive_scores) / 4)
    assert got[f"by_category_{single.category.label}"] == 0.5
    assert got[f"by_category_{adversarial.category.label}"] == 1.0
    # Upstream's inputs: the gold and the evidence turns as "Speaker：text" for fact checking;
    # the prediction only for the Skeptical judge (neither gold nor the tempting answer).
    turns = {t.dia_id: t for s in base.sessions for t in s.turns}
    assert str(single.answer) in seen["fact"] and "an answer" in seen["fact"]
    for tid in single.evidence:
        assert f"{turns[tid].speaker}：{turns[tid].text}" in seen["fact"]
    assert "Not mentioned in the conversation" in seen["skeptical"]
    for leaked in (adversarial.answer, adversarial.adversarial_answer, adversarial.question):
        assert not leaked or str(leaked) not in seen["skeptical"]
    assert res.tasks["qa"].metrics[key].value == pytest.approx(got["overall_avg"])


def test_locomo_plus_judge_prompts_per_category() -> None:
    from memobench.scoring import locomo_plus

    roles = {1: "Fact-Checking", 2: "Temporal Logic", 3: "Knowledge Logic", 4: "Fact-Checking",
             5: "Skeptical"}  # fmt: skip
    hashes = locomo_plus.prompt_hashes()
    assert len(set(hashes.values())) == 6  # cognitive + five LoCoMo categories, all distinct
    for cat, role in roles.items():
        text, sha = locomo_plus.locomo_judge_prompt(
            cat, gold="GOLD-X", prediction="PRED-Y", evidence="Ann：EVID-Z"
        )
        assert f"You are a {role} Judge" in text and "PRED-Y" in text
        assert hashes[f"judge_locomo_plus/{locomo_plus.LOCOMO_PROMPTS[cat]}"] == sha
        assert ("GOLD-X" in text and "Ann：EVID-Z" in text) is (cat != 5)
        assert ('"partial"' in text) is (cat in (1, 3, 4))  # temporal/adversarial: binary
    turns = {"D1:2": ("Ann", "hi there")}
    assert (
        locomo_plus.evidence_text(turns, ["D1:2", "D9:9"]) == "Ann：hi there\n[D9:9] [Missing turn]"
    )
