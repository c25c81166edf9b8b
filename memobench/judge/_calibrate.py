"""Judge calibration: grade a deterministic decoy set with known labels → TPR, FPR, κ."""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..data import Conversation, QAItem
from ..llm import Meter, phase, use_meter
from ..scoring import gold_for_scoring
from ._datasets import DatasetJudge
from ._judge import Judge, JudgeItem, Verdict
from ._parse import Label

DecoyKind = Literal["gold", "paraphrase", "overlong", "vague", "specific_wrong", "abstention"]
#: Decoy kind → the label a good judge gives.
EXPECTED: dict[str, Label] = {
    "gold": "CORRECT",
    "paraphrase": "CORRECT",
    "overlong": "CORRECT",
    "vague": "WRONG",
    "specific_wrong": "WRONG",
    "abstention": "WRONG",
}
_PARAPHRASES = ("I think it was {g}.", "From what they said: {g}", "The answer is {g}.")
_PADDING = (
    " They also talked about their weekend plans, some music they had been listening to, "
    "and how busy work had been lately, and agreed to catch up again soon."
)
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "about",
        "did",
        "does",
        "do",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "what",
        "when",
        "where",
        "who",
        "whom",
        "whose",
        "which",
        "why",
        "how",
        "would",
        "could",
        "should",
        "might",
        "will",
        "has",
        "have",
        "had",
        "her",
        "his",
        "their",
        "they",
        "them",
        "she",
        "he",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "as",
        "into",
        "after",
        "before",
        "than",
        "likely",
        "kind",
        "any",
        "some",
        "many",
        "much",
        "ever",
    ]
)

_FROZEN = ConfigDict(frozen=True)


class Decoy(BaseModel):
    """One answer with a known correct label."""

    model_config = _FROZEN
    decoy_id: str
    """``<qa_id>/<kind>``."""
    qa_id: str
    """The question it answers."""
    category: int
    """LoCoMo category of the question."""
    kind: DecoyKind
    """How it was made."""
    question: str
    """The question."""
    gold: str
    """The gold answer."""
    answer: str
    """The decoy answer."""
    expected: Label
    """What a good judge says."""


def _topic_words(question: str, gold: str) -> list[str]:
    gold_words = {w.lower() for w in re.findall(r"[A-Za-z']+", gold)}
    words = [
        w
        for w in re.findall(r"[A-Za-z']+", question)
        if w.lower() not in _STOP and w.lower() not in gold_words and len(w) > 2
    ]
    return list(dict.fromkeys(words))[:4]


def _vague(question: str, gold: str) -> str:
    # Mentions the question's topic but commits to no fact: the answer the lenient judge likes.
    topic = " and ".join(_topic_words(question, gold)[:2]) or "that"
    return f"They talked about {topic} a few times and it clearly meant a lot to them."


def build_decoys(
    conversations: Iterable[Conversation], *, n: int = 50, seed: int = 0
) -> list[Decoy]:
    """Six decoys for each of ``n`` seeded cat 1–4 questions (deterministic for a seed)."""
    pool: list[QAItem] = sorted(
        (q for c in conversations for q in c.qa if int(q.category) in (1, 2, 3, 4) and q.answer),
        key=lambda q: q.qa_id,
    )
    if not pool:
        return []
    rng = random.Random(seed)
    chosen = sorted(rng.sample(pool, min(n, len(pool))), key=lambda q: q.qa_id)
    by_cat: dict[int, list[QAItem]] = {}
    for q in pool:
        by_cat.setdefault(int(q.category), []).append(q)
    out: list[Decoy] = []
    for i, q in enumerate(chosen):
        gold = gold_for_scoring(q.answer, q.category)
        gold_tokens = set(gold.lower().split())
        # Specific-but-wrong: a real answer to another question of the same category that
        # shares no word with this gold (so it cannot be accidentally right).
        same = by_cat[int(q.category)]
        start = same.index(q)
        wrong = next(
            (
                gold_for_scoring(o.answer, o.category)
                for o in same[start + 1 :] + same[:start]
                if not gold_tokens & set(str(o.answer).lower().split())
            ),
            None,
        )
        answers: dict[DecoyKind, str | None] = {
            "gold": gold,
            "paraphrase": _PARAPHRASES[i % len(_PARAPHRASES)].replace("{g}", gold),
            "overlong": gold + "." + _PADDING,
            "vague": _vague(q.question, gold),
            "specific_wrong": wrong,
            "abstention": "Not mentioned in the conversation.",
        }
        for kind, ans in answers.items():
            if ans is None:
                continue
            out.append(
                Decoy(
                    decoy_id=f"{q.qa_id}/{kind}",
                    qa_id=q.qa_id,
                    category=int(q.category),
                    kind=kind,
                    question=q.question,
                    gold=gold,
                    answer=ans,
                    expected=EXPECTED[kind],
                )
            )
    return out


class JudgeCalibration(BaseModel):
    """How one judge configuration grades the decoys."""

    model_config = _FROZEN
    judge: str
    """Judge mode (``strict``/``lenient``)."""
    model: str
    """Judge model spec."""
    prompt_sha256: str
    """sha256 of the judge prompt."""
    k: int = 1
    """Judgments per answer."""
    tpr: float | None
    """Share of should-be-correct decoys labelled CORRECT (errors excluded)."""
    fpr: float | None
    """Share of should-be-wrong decoys labelled CORRECT: the leniency index."""
    accuracy: float | None
    """Share of decoys labelled as expected."""
    acceptance_by_kind: dict[str, float | None]
    """Decoy kind → share labelled CORRECT."""
    n: int
    """Decoys graded."""
    n_errors: int
    """Decoys whose label could not be read (left out of the rates above)."""
    labels: dict[str, Label | None] = Field(default_factory=dict)
    """Decoy id → label given."""


class CalibrationReport(BaseModel):
    """``memobench judge calibrate`` output."""

    model_config = _FROZEN
    dataset: str
    """Dataset the decoys were built from."""
    dataset_sha256: str
    """Its sha256."""
    n_questions: int
    """Questions sampled."""
    seed: int
    """Seed of the sampling."""
    judges: list[JudgeCalibration]
    """One entry per judge configuration."""
    kappa: float | None = None
    """Cohen's κ between the first two judges (decoys both could label)."""
    disagreements: list[str] = Field(default_factory=list)
    """Decoy ids the first two judges label differently."""
    decoys: list[Decoy] = Field(default_factory=list)
    """The decoy set, so the report is self-contained."""


def _rate(labels: Sequence[Label | None]) -> float | None:
    known = [lab for lab in labels if lab is not None]
    return sum(lab == "CORRECT" for lab in known) / len(known) if known else None


def summarize(
    judge: Judge | DatasetJudge, decoys: Sequence[Decoy], verdicts: Sequence[Verdict]
) -> JudgeCalibration:
    labels = [v.label for v in verdicts]
    pos = [lab for d, lab in zip(decoys, labels, strict=True) if d.expected == "CORRECT"]
    neg = [lab for d, lab in zip(decoys, labels, strict=True) if d.expected == "WRONG"]
    known = [(d, lab) for d, lab in zip(decoys, labels, strict=True) if lab is not None]
    kinds = list(dict.fromkeys(d.kind for d in decoys))
    return JudgeCalibration(
        judge=judge.mode,
        model=judge.model,
        prompt_sha256=judge.prompt_sha256,
        k=judge.k,
        tpr=_rate(pos),
        fpr=_rate(neg),
        accuracy=sum(d.expected == lab for d, lab in known) / len(known) if known else None,
        acceptance_by_kind={
            k: _rate([lab for d, lab in zip(decoys, labels, strict=True) if d.kind == k])
            for k in kinds
        },
        n=len(decoys),
        n_errors=sum(lab is None for lab in labels),
        labels={d.decoy_id: lab for d, lab in zip(decoys, labels, strict=True)},
    )


def cohens_kappa(a: Sequence[Label | None], b: Sequence[Label | None]) -> float | None:
    """κ over items both raters labelled; None when there are none. Two raters that agree
    perfectly while giving a single label (chance agreement 1) get κ = 1 by convention."""
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if not pairs:
        return None
    n = len(pairs)
    po = sum(x == y for x, y in pairs) / n
    pa = sum(x == "CORRECT" for x, _ in pairs) / n
    pb = sum(y == "CORRECT" for _, y in pairs) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe >= 1.0:
        return 1.0 if po == 1.0 else 0.0
    return (po - pe) / (1 - pe)


def calibrate(
    judges: Sequence[Judge | DatasetJudge],
    decoys: Sequence[Decoy],
    *,
    dataset: str = "",
    dataset_sha256: str = "",
    seed: int = 0,
    meter: Meter | None = None,
) -> CalibrationReport:
    """Grade ``decoys`` with every judge; κ and disagreements between the first two."""
    items = [JudgeItem(question=d.question, gold=d.gold, answer=d.answer) for d in decoys]

    async def run_all() -> list[list[Verdict]]:
        return [await j.judge_many(items) for j in judges]

    with use_meter(meter or Meter()), phase("judge"):
        all_verdicts = asyncio.run(run_all())
    cals = [summarize(j, decoys, v) for j, v in zip(judges, all_verdicts, strict=True)]
    kappa, disagree = None, []
    if len(judges) >= 2:
        a = [v.label for v in all_verdicts[0]]
        b = [v.label for v in all_verdicts[1]]
        kappa = cohens_kappa(a, b)
        disagree = [d.decoy_id for d, x, y in zip(decoys, a, b, strict=True) if x != y]
    return CalibrationReport(
        dataset=dataset,
        dataset_sha256=dataset_sha256,
        n_questions=len({d.qa_id for d in decoys}),
        seed=seed,
        judges=cals,
        kappa=kappa,
        disagreements=disagree,
        decoys=list(decoys),
    )
