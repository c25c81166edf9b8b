"""LongMemEval's official scoring as pure functions (``evaluate_qa.py``, ``print_qa_metrics.py``,
``run_retrieval.py`` + ``eval_utils.py`` at 9e0b455).

Corrected by default, official behaviour behind named options:
- ``official_substring``: upstream labels a reply correct when ``'yes' in reply.lower()`` (so
  "eyes" or "no, not yes" pass); memobench reads the reply's first word.
- upstream's ``dcg`` calls ``np.asfarray`` (gone in NumPy 2); this module needs no NumPy.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ._judge_prompts import judge_template, render

#: Question type -> judge prompt key; ``_abs`` ids route to ``abstention`` first.
_ROUTE = {
    "temporal-reasoning": "temporal",
    "knowledge-update": "knowledge_update",
    "single-session-preference": "preference",
}
RETRIEVAL_KS = (1, 3, 5, 10, 30, 50)


def judge_route(question_id: str, question_type: str) -> str:
    """The prompt key upstream uses: abstention by id first (routing by type grades every
    abstention wrong), then by type."""
    if "_abs" in question_id:
        return "abstention"
    return _ROUTE.get(question_type, "default")


def judge_prompt(
    question_id: str, question_type: str, question: str, answer: str, response: str
) -> tuple[str, str]:
    """(prompt text, prompt sha256) for one item."""
    text, sha = judge_template("judge_longmemeval", judge_route(question_id, question_type))
    return render(text, question=question, answer=answer, response=response), sha


def parse_yes(reply: str, *, official_substring: bool = False) -> bool:
    """The judge's label."""
    if official_substring:
        return "yes" in reply.lower()
    words = re.findall(r"[a-z]+", reply.lower())
    return bool(words) and words[0] == "yes"


@dataclass(frozen=True)
class QALabel:
    """One judged item."""

    question_id: str
    """The original LongMemEval id (``_abs`` marks abstention)."""
    question_type: str
    """Base type (abstention items keep theirs)."""
    correct: bool
    """The judge's label."""


def qa_metrics(labels: Sequence[QALabel]) -> dict[str, float | None]:
    """Overall (micro) accuracy, task-averaged accuracy (unweighted mean of the per-type
    accuracies, abstention counted in its base type) and abstention accuracy."""
    if not labels:
        return {"accuracy": None, "task_averaged_accuracy": None, "abstention_accuracy": None}
    by_type: dict[str, list[bool]] = {}
    for lab in labels:
        by_type.setdefault(lab.question_type, []).append(lab.correct)
    abst = [lab.correct for lab in labels if "_abs" in lab.question_id]
    out: dict[str, float | None] = {
        "accuracy": sum(lab.correct for lab in labels) / len(labels),
        "task_averaged_accuracy": sum(sum(v) / len(v) for v in by_type.values()) / len(by_type),
        "abstention_accuracy": sum(abst) / len(abst) if abst else None,
    }
    for t, v in sorted(by_type.items()):
        out[f"accuracy_{t}"] = sum(v) / len(v)
    return out


def dcg(relevances: Sequence[float]) -> float:
    """Upstream's DCG: r1 + sum_{i>=2} r_i / log2(i) (the first two ranks undiscounted)."""
    return sum(r if i < 2 else r / math.log2(i) for i, r in enumerate(relevances, start=1))


def ndcg_any(ranked: Sequence[str], gold: set[str], k: int, corpus: Iterable[str]) -> float:
    """Binary nDCG@k; the ideal uses every relevant id of the corpus; 0 when it is 0."""
    ideal = dcg(sorted((1.0 if c in gold else 0.0 for c in corpus), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([1.0 if r in gold else 0.0 for r in ranked[:k]]) / ideal


def recall_any(ranked: Sequence[str], gold: set[str], k: int) -> float:
    return float(any(r in gold for r in ranked[:k]))


def recall_all(ranked: Sequence[str], gold: set[str], k: int) -> float:
    top = set(ranked[:k])
    return float(all(g in top for g in gold))


def session_of(turn_id: str) -> str:
    """``D3:5`` -> ``D3`` (upstream strips the trailing ``_j`` of ``{session}_{j}``)."""
    return turn_id.split(":", 1)[0]


def top_sessions(ranked_turns: Sequence[str], k: int, key: Callable[[str], str] = session_of):
    """Widen the turn list until it covers k distinct sessions (upstream's turn -> session)."""
    out: list[str] = []
    for t in ranked_turns:
        s = key(t)
        if s not in out:
            out.append(s)
        if len(out) == k:
            break
    return out


def retrieval_scores(
    ranked_turns: Sequence[str], gold_turns: Sequence[str], corpus_turns: Sequence[str]
) -> dict[str, float]:
    """Turn- and session-level recall_any/recall_all/ndcg_any at every k for one question."""
    gold = set(gold_turns)
    gold_s = {session_of(g) for g in gold}
    corpus_s = list(dict.fromkeys(session_of(c) for c in corpus_turns))
    out: dict[str, float] = {}
    for k in RETRIEVAL_KS:
        out[f"turn_recall_any@{k}"] = recall_any(ranked_turns, gold, k)
        out[f"turn_recall_all@{k}"] = recall_all(ranked_turns, gold, k)
        out[f"turn_ndcg_any@{k}"] = ndcg_any(ranked_turns, gold, k, corpus_turns)
        sess = top_sessions(ranked_turns, k)
        out[f"session_recall_any@{k}"] = recall_any(sess, gold_s, k)
        out[f"session_recall_all@{k}"] = recall_all(sess, gold_s, k)
        out[f"session_ndcg_any@{k}"] = ndcg_any(sess, gold_s, k, corpus_s)
    return out


def retrieval_included(question_id: str, gold_turns: Sequence[str]) -> bool:
    """Upstream's means skip abstention items and items with no ``has_answer`` user turn."""
    return "_abs" not in question_id and bool(gold_turns)


def prompt_hashes() -> dict[str, str]:
    """sha256 of every judge prompt of this dataset, keyed ``judge_longmemeval/<key>``."""
    return {
        f"judge_longmemeval/{k}": judge_template("judge_longmemeval", k)[1]
        for k in ("default", "temporal", "knowledge_update", "preference", "abstention")
    }
