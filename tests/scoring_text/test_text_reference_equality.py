"""memobench's Porter stemmer, BLEU and ROUGE give NLTK's and rouge-score's floats exactly.

They are ports (importing NLTK costs ~2 s of CPU per run), so the originals are the oracle:
every word of LoCoMo for the stemmer, and LoCoMo answers and turns paired at random (seeded)
for the metrics, compared with ``==``, not approximately.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from memobench.scoring._porter import porter_stem
from memobench.scoring.text import (
    BLEU_WEIGHTS,
    bleu_scores,
    bleu_tokenize,
    corpus_bleu_scores,
    rouge_scores,
    rouge_scores_multi,
)

# Forms that exercise each NLTK-specific rule and the 'y' consonant logic.
_EDGE_WORDS = [
    "", "a", "ll", "yy", "yyyy", "sky", "skies", "dying", "lying", "flies", "dies", "died",
    "spied", "happy", "enjoy", "feed", "agreed", "ies", "ied", "geology", "theology",
    "generalli", "hopefulli", "hopping", "tanned", "falling", "hissing", "fizzed", "filing",
    "İstanbul", "İİ", "1990s", "Caroline's", "relational", "conditional", "rational",
]  # fmt: skip


@pytest.fixture(scope="module")
def texts(locomo_path: Path) -> tuple[list[str], list[str]]:
    data = json.loads(locomo_path.read_text(encoding="utf-8"))
    golds = [str(q.get("answer", q.get("adversarial_answer", ""))) for c in data for q in c["qa"]]
    turns = [
        t["text"]
        for c in data
        for key, session in c["conversation"].items()
        if key.startswith("session_") and isinstance(session, list)
        for t in session
    ]
    return golds, turns


def test_porter_stem_equals_nltk_on_every_locomo_word(locomo_path: Path) -> None:
    from nltk.stem import PorterStemmer

    raw = locomo_path.read_text(encoding="utf-8")
    words = set(re.findall(r"\w+", raw)) | set(re.findall(r"[^\s\"]+", raw)) | set(_EDGE_WORDS)
    words |= {w.lower() for w in words}
    nltk_stem = PorterStemmer().stem
    assert len(words) > 20_000
    assert [w for w in sorted(words) if porter_stem(w) != nltk_stem(w)] == []


def test_porter_stem_equals_nltk_on_suffix_compounds() -> None:
    from nltk.stem import PorterStemmer

    nltk_stem = PorterStemmer().stem
    suffixes = ["ational", "tional", "enci", "izer", "bli", "alli", "entli", "ousli", "ization",
                "alism", "iveness", "aliti", "biliti", "fulli", "logi", "icate", "ative", "ical",
                "ness", "ance", "ement", "sion", "tion", "ou", "ism", "iti", "ous", "ive", "e",
                "ll", "ed", "ing", "ies", "ied", "eed", "s", "sses", "y", "at", "bl", "iz"]  # fmt: skip
    rng = random.Random(14)
    letters = "bcdfghlmnprstvwxyzaeiouyy"
    words = [
        "".join(rng.choice(letters) for _ in range(rng.randint(0, 6)))
        + "".join(rng.choice(suffixes) for _ in range(rng.randint(1, 3)))
        for _ in range(20_000)
    ]
    assert [w for w in words if porter_stem(w) != nltk_stem(w)] == []


def _pairs(golds: list[str], turns: list[str], n: int) -> list[tuple[str, str]]:
    rng = random.Random(0)
    preds = [*golds, *turns[:1000], "", "echo: an approximate date. Short answer:", "!!"]
    out = []
    for _ in range(n):
        pred, gold = rng.choice(preds), rng.choice(golds + turns)
        out.append((f"{gold} {pred}" if rng.random() < 0.2 else pred, gold))
    return out


def test_bleu_equals_nltk(texts: tuple[list[str], list[str]]) -> None:
    from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu, sentence_bleu

    smooth = SmoothingFunction().method1
    pairs = _pairs(*texts, 3000)
    for pred, gold in pairs:
        hyp, refs = bleu_tokenize(pred), [bleu_tokenize(gold)]
        expected = {
            name: float(sentence_bleu(refs, hyp, weights=w, smoothing_function=smooth))
            if hyp and refs[0]
            else 0.0
            for name, w in BLEU_WEIGHTS.items()
        }
        assert bleu_scores(pred, gold) == expected, (pred, gold)
    kept = [(p, g) for p, g in pairs[:500] if bleu_tokenize(g)]
    hyps, refss = [bleu_tokenize(p) for p, _ in kept], [[bleu_tokenize(g)] for _, g in kept]
    assert corpus_bleu_scores([p for p, _ in kept], [g for _, g in kept]) == {
        name: float(corpus_bleu(refss, hyps, weights=w, smoothing_function=smooth))
        for name, w in BLEU_WEIGHTS.items()
    }


def test_rouge_equals_rouge_score(texts: tuple[list[str], list[str]]) -> None:
    from rouge_score.rouge_scorer import RougeScorer

    scorer = RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    for pred, gold in _pairs(*texts, 3000):
        expected: dict[str, float] = {}
        for key, s in scorer.score(gold, pred).items():
            expected |= {
                key: float(s.fmeasure),
                f"{key}_precision": float(s.precision),
                f"{key}_recall": float(s.recall),
            }
        assert rouge_scores(pred, gold) == expected, (pred, gold)
    golds, turns = texts
    for i in range(100):
        refs = [turns[i], golds[i], turns[-i]]
        best = scorer.score_multi(refs, golds[-i])
        assert {k: v for k, v in rouge_scores_multi(golds[-i], refs).items() if "_" not in k} == {
            k: float(v.fmeasure) for k, v in best.items()
        }


def test_qa_scoring_does_not_import_nltk() -> None:
    # The point of the ports: scoring a QA answer (F1, BLEU-1, ROUGE-L) pays no NLTK import.
    code = (
        "import sys\n"
        "from memobench.scoring import f1_score\n"
        "from memobench.scoring.text import bleu_scores, rouge_scores\n"
        "f1_score('running dogs', 'a dog ran'); bleu_scores('a b', 'a c'); rouge_scores('a', 'a')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'nltk', 'scipy', 'rouge_score'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
