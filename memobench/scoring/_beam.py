"""BEAM's official scoring as pure functions (``compute_metrics.py``, ``run_evaluation.py``,
``report_results.py`` at b2a3ee8).

Corrected by default; upstream's behaviour behind named options:
- ``official_unfilled_question``: upstream never fills the judge prompt's ``<question>``;
- ``official_int_truncation``: nine abilities add ``int(score)``, so a 0.5 counts 0 (only
  event_ordering keeps floats);
- a NaN Kendall tau (one rank vector constant, e.g. an empty answer) is 0, where upstream's
  ``None`` guard lets NaN through.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence

from ._judge_prompts import judge_template

_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")
_OBJ = re.compile(r"\{.*?\}", re.DOTALL)


def rubric_prompt(
    rubric_item: str, response: str, question: str, *, official_unfilled_question: bool = False
) -> tuple[str, str]:
    """(judge prompt for one rubric item, its sha256)."""
    text, sha = judge_template("judge_beam", "rubric")
    text = text.replace("<rubric_item>", rubric_item).replace("<llm_response>", response)
    if not official_unfilled_question:
        text = text.replace("<question>", question)
    return text, sha


def parse_rubric_score(reply: str) -> float | None:
    """The judge's 1.0 / 0.5 / 0.0: a fenced or bare JSON object, else the first ``{...}``."""
    text = _FENCE.sub("", reply.strip())
    candidates = [text, *(_OBJ.findall(text))]
    for cand in candidates:
        try:
            obj = json.loads(cand)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and "score" in obj:
            try:
                score = float(obj["score"])
            except (TypeError, ValueError):
                return None
            return score if score in (0.0, 0.5, 1.0) else None
    return None


def question_score(
    item_scores: Sequence[float], ability: str, *, official_int_truncation: bool = False
) -> float:
    """Mean over the question's rubric items."""
    if not item_scores:
        return 0.0
    if official_int_truncation and ability != "event_ordering":
        item_scores = [float(int(s)) for s in item_scores]
    return sum(item_scores) / len(item_scores)


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float:
    """Kendall tau-b (scipy's default variant); NaN when either vector is constant."""
    n = len(x)
    nc = nd = tx = ty = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                tx += 1
                ty += 1
            elif dx == 0:
                tx += 1
            elif dy == 0:
                ty += 1
            elif (dx > 0) == (dy > 0):
                nc += 1
            else:
                nd += 1
    n0 = n * (n - 1) / 2
    denom = math.sqrt((n0 - tx) * (n0 - ty))
    return (nc - nd) / denom if denom else math.nan


def event_ordering_score(reference: Sequence[str], system: Sequence[str]) -> dict[str, float]:
    """Precision/recall/F1 of the aligned system list, tau_norm = (tau_b + 1)/2 over the union
    (missing items ranked |U|+1) and ``final_score`` = tau_norm x F1. ``system`` is already
    aligned: each item replaced by the reference item the judge found equivalent."""
    ref, sys_ = list(reference), list(system)
    tp = len(set(ref) & set(sys_))
    fp = sum(1 for s in sys_ if s not in ref)
    fn = sum(1 for r in ref if r not in sys_)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    union = list(dict.fromkeys([*ref, *sys_]))
    missing = len(union) + 1

    def ranks(lst: list[str]) -> list[float]:
        pos = {item: i + 1 for i, item in reversed(list(enumerate(lst)))}
        return [float(pos.get(u, missing)) for u in union]

    tau = kendall_tau_b(ranks(ref), ranks(sys_)) if len(union) > 1 else math.nan
    tau_norm = 0.0 if math.isnan(tau) else (tau + 1) / 2
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "tau_norm": tau_norm,
        "final_score": tau_norm * f1,
    }


def ability_report(
    per_question: Sequence[tuple[str, str, Mapping[str, float]]],
) -> dict[str, float]:
    """Upstream's aggregate from (chat, ability, scores) triples: per chat and ability the mean
    of ``llm_judge_score`` (event_ordering: ``tau_norm``), then the mean over chats."""
    cells: dict[tuple[str, str], list[float]] = {}
    for chat, ability, scores in per_question:
        key = "tau_norm" if ability == "event_ordering" else "llm_judge_score"
        cells.setdefault((ability, chat), []).append(scores[key])
    per_ability: dict[str, list[float]] = {}
    for (ability, _), vals in cells.items():
        per_ability.setdefault(ability, []).append(sum(vals) / len(vals))
    return {a: sum(v) / len(v) for a, v in sorted(per_ability.items())}


def equivalence_prompt(reference: str, candidate: str) -> tuple[str, str]:
    """(YES/NO prompt: does a listed event match a reference event, its sha256)."""
    text, sha = judge_template("judge_beam", "equivalence")
    return text.replace("{reference}", reference).replace("{candidate}", candidate), sha


def parse_equivalent(reply: str) -> bool:
    """YES as the reply's first word."""
    words = re.findall(r"[a-z]+", reply.lower())
    return bool(words) and words[0] == "yes"


def system_events(response: str) -> list[str]:
    """Upstream's system list: the response split on newlines (blank lines dropped)."""
    return [line.strip() for line in response.splitlines() if line.strip()]


def prompt_hashes() -> dict[str, str]:
    """sha256 of every judge prompt of this dataset, keyed ``judge_beam/<key>``."""
    return {
        f"judge_beam/{k}": judge_template("judge_beam", k)[1] for k in ("rubric", "equivalence")
    }
