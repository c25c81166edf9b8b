"""An independent, from-the-spec re-implementation of LoCoMo QA scoring (reference §2).

Used only by the tests to compute expected numbers without calling memobench's scorer.
"""

from __future__ import annotations

import re
import string
from collections import Counter

from nltk.stem import PorterStemmer

_STEM = PorterStemmer()


def ref_normalize(s: str) -> str:
    s = s.replace(",", "")
    s = s.lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the|and)\b", " ", s)
    return " ".join(s.split())


def ref_f1(pred: str, gold: str) -> float:
    p = [_STEM.stem(w) for w in ref_normalize(pred).split()]
    g = [_STEM.stem(w) for w in ref_normalize(gold).split()]
    same = sum((Counter(p) & Counter(g)).values())
    if same == 0:
        return 0.0
    prec, rec = same / len(p), same / len(g)
    return 2 * prec * rec / (prec + rec)


def ref_score(pred: str | None, answer: object, category: int) -> float:
    if pred is None:
        return 0.0
    if category == 5:
        low = pred.lower()
        return 1.0 if ("no information available" in low or "not mentioned" in low) else 0.0
    gold = str(answer)
    if category == 3:
        gold = gold.split(";")[0].strip()
    if category == 1:
        preds = [x.strip() for x in pred.split(",")]
        golds = [x.strip() for x in gold.split(",")]
        raw = sum(max(ref_f1(p, g) for p in preds) for g in golds) / len(golds)
    else:
        raw = ref_f1(pred, gold)
    return round(raw, 3)
