"""Locomo-Plus's official scoring as pure functions (``llm_as_judge.py``, ``prompt.py`` at 059f4e3).

One judge prompt per category: the cognitive items' Memory Awareness judge, and for the unified
set's LoCoMo items the judge upstream gives each LoCoMo category (``LOCOMO_PROMPTS``), with the
evidence turns as ``Speaker：text`` lines (``evidence_text``).

Labels score correct 1, partial 0.5, wrong 0. Corrected parsing by default; upstream's behind
``official_parse``: after a failed regex and ``json.loads`` it searches substrings in the order
correct -> wrong -> partial, so a non-JSON "incorrect" reads as **correct**.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from ._judge_prompts import judge_template, render

LABEL_SCORE = {"correct": 1.0, "partial": 0.5, "wrong": 0.0}
_FIELD = re.compile(r'"label"\s*:\s*"([a-zA-Z]+)"')


def judge_prompt(cue: str, prediction: str) -> tuple[str, str]:
    """(Cognitive judge prompt, its sha256): the cue as evidence and the prediction; no gold,
    no trigger."""
    text, sha = judge_template("judge_locomo_plus", "cognitive")
    return render(text, evidence=cue, prediction=prediction), sha


#: LoCoMo category number -> the key of its judge prompt (upstream's ``LOCOMO_CATEGORY_NAMES``:
#: 1 multi-hop, 2 temporal, 3 common-sense, 4 single-hop, 5 adversarial).
LOCOMO_PROMPTS = {
    1: "multi_hop",
    2: "temporal",
    3: "common_sense",
    4: "single_hop",
    5: "adversarial",
}


def evidence_text(turns: Mapping[str, tuple[str, str]], evidence: Sequence[str]) -> str:
    """The judge's evidence, as upstream's ``_evidence_to_text``: one ``Speaker：text`` line per
    evidence turn (a full-width colon), ``[id] [Missing turn]`` for an id the conversation does
    not have. ``turns`` maps a turn id to (speaker, text); ``evidence`` holds cleaned ids, where
    upstream parses LoCoMo's raw ones and prints ``[Parse error]`` for the malformed few."""
    lines = []
    for tid in evidence:
        hit = turns.get(tid)
        lines.append(f"{hit[0]}：{hit[1]}" if hit is not None else f"[{tid}] [Missing turn]")
    return "\n".join(lines)


def locomo_judge_prompt(
    category: int, *, gold: str, prediction: str, evidence: str
) -> tuple[str, str]:
    """(the judge prompt of a unified-set LoCoMo item, its sha256). The adversarial (Skeptical)
    judge sees the prediction only."""
    text, sha = judge_template("judge_locomo_plus", LOCOMO_PROMPTS[int(category)])
    return render(text, gold=gold, prediction=prediction, evidence=evidence), sha


def parse_label(reply: str, *, official_parse: bool = False) -> str | None:
    """The judge's label, or None when none can be read (scores 0, as upstream's unknowns)."""
    m = _FIELD.search(reply)
    if m:
        label = m.group(1).lower()
        return label if label in LABEL_SCORE else None
    try:
        obj = json.loads(reply)
        label = str(obj.get("label", "")).lower() if isinstance(obj, dict) else ""
        return label if label in LABEL_SCORE else None
    except (json.JSONDecodeError, AttributeError):
        pass
    low = reply.lower()
    if official_parse:
        for label in ("correct", "wrong", "partial"):
            if label in low:
                return label
        return None
    # Corrected: whole words, and "incorrect" is wrong.
    if re.search(r"\b(incorrect|wrong)\b", low):
        return "wrong"
    for label in ("correct", "partial"):
        if re.search(rf"\b{label}\b", low):
            return label
    return None


def label_score(label: str | None) -> float:
    return LABEL_SCORE.get(label or "", 0.0)


def unified_scores(samples: Sequence[tuple[str, float]]) -> dict[str, float | None]:
    """``overall_avg`` (micro mean over every judged sample) and the mean per category, from
    (category, score) pairs; the unified set is LoCoMo's QA plus the ``cognitive`` items."""
    if not samples:
        return {"overall_avg": None}
    out: dict[str, float | None] = {"overall_avg": sum(s for _, s in samples) / len(samples)}
    cats: dict[str, list[float]] = {}
    for cat, s in samples:
        cats.setdefault(cat, []).append(s)
    for cat, vals in sorted(cats.items()):
        out[f"by_category_{cat}"] = sum(vals) / len(vals)
    return out


def prompt_hashes() -> dict[str, str]:
    """sha256 of every judge prompt of this dataset, keyed ``judge_locomo_plus/<key>``."""
    return {
        f"judge_locomo_plus/{k}": judge_template("judge_locomo_plus", k)[1]
        for k in ("cognitive", *LOCOMO_PROMPTS.values())
    }
