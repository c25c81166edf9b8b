"""What the QA task adds to a sample for datasets beyond LoCoMo (issue 12).

- ``extra["label"]``: the dataset's own type of the question (BEAM ability, LongMemEval question
  type, Locomo-Plus ``cognitive`` / LoCoMo category name); ``results`` groups by it
  (``TaskResult.extra["by_label"]``) and ``label_table`` prints it.
- LongMemEval retrieval metrics (``run_retrieval.py``): ``lme_turn_*`` and ``lme_session_*``
  ``recall_any@k`` / ``recall_all@k`` / ``ndcg_any@k`` from the agent's retrieved ids, None on
  the items upstream skips (abstention, no ``has_answer`` user turn).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..data import Conversation, QAItem
from ..results import MetricValue, SampleRecord, TaskResult
from ..scoring import longmemeval

#: The ks memobench stores: every k upstream computes (it prints 5, 10 and 50 of them).
LME_KS = longmemeval.RETRIEVAL_KS
_SESSION_ID = re.compile(r"^S(\d+)$")


def dataset_of(conv: Conversation) -> str:
    return str(conv.metadata.get("dataset", "locomo"))


def item_label(qa: QAItem) -> str | None:
    """The label tables group by: the dataset's own type (None for plain LoCoMo, whose
    category table already is the per-type table); Locomo-Plus's cognitive items by relation
    type (``cognitive:causal``)."""
    subtype = qa.gold.get("subtype") if qa.label == "cognitive" else None
    return f"{qa.label}:{subtype}" if subtype else qa.label


def _session_key(rid: str) -> str:
    """``S3`` (a session id) and ``D3:5`` (a turn of it) both name session ``D3``."""
    m = _SESSION_ID.match(rid)
    return f"D{m.group(1)}" if m else longmemeval.session_of(rid)


def lme_retrieval(
    conv: Conversation, qa: QAItem, retrieved: Sequence[str] | None
) -> dict[str, float | None]:
    """LongMemEval retrieval scores of one item (empty when the agent returned no ids)."""
    if retrieved is None:
        return {}
    keys = [
        f"lme_{level}_{m}@{k}"
        for level in ("turn", "session")
        for m in ("recall_any", "recall_all", "ndcg_any")
        for k in LME_KS
    ]
    gold = list(qa.evidence)
    if not longmemeval.retrieval_included(str(qa.gold.get("question_id", "")), gold):
        return dict.fromkeys(keys, None)
    # Upstream's corpus: user turns (gold is on user turns; kept in it regardless).
    users = [t.dia_id for s in conv.sessions for t in s.turns if t.speaker == "user"]
    seen = set(users)
    corpus = [*users, *(g for g in gold if g not in seen)]
    if all(not _SESSION_ID.match(r) for r in retrieved):
        full = longmemeval.retrieval_scores(list(retrieved), gold, corpus)
        return {key: full[key[len("lme_") :]] for key in keys}
    # Session ids carry no turn ranking: session level only.
    ranked = list(dict.fromkeys(_session_key(r) for r in retrieved))
    gold_s = {longmemeval.session_of(g) for g in gold}
    corpus_s = list(dict.fromkeys(longmemeval.session_of(c) for c in corpus))
    out: dict[str, float | None] = dict.fromkeys(keys, None)
    for k in LME_KS:
        out[f"lme_session_recall_any@{k}"] = longmemeval.recall_any(ranked, gold_s, k)
        out[f"lme_session_recall_all@{k}"] = longmemeval.recall_all(ranked, gold_s, k)
        out[f"lme_session_ndcg_any@{k}"] = longmemeval.ndcg_any(ranked, gold_s, k, corpus_s)
    return out


def annotate(conv: Conversation, qa: QAItem, sample: SampleRecord) -> SampleRecord:
    """The sample with its label and the dataset's extra per-item scores."""
    lme = dataset_of(conv) == "longmemeval"
    label = item_label(qa)
    if not lme and not label:  # plain LoCoMo: nothing to add, and the sample is the caller's
        return sample
    scores = dict(sample.scores)
    if lme:
        scores.update(lme_retrieval(conv, qa, sample.retrieved))
    extra = {**sample.extra, **({"label": label} if label else {})}
    return sample.model_copy(update={"scores": scores, "extra": extra})


def label_table(result: TaskResult, *, keys: Sequence[str] | None = None) -> Any:
    """Rows per dataset label (BEAM ability, LongMemEval type, Locomo-Plus relation) with
    F1 and every judged score present; None when the result has no labels."""
    from rich.table import Table

    by_label: dict[str, dict[str, MetricValue]] = {
        lab: {k: MetricValue.model_validate(v) for k, v in metrics.items()}
        for lab, metrics in (result.extra.get("by_label") or {}).items()
    }
    if not by_label:
        return None
    seen = {k for m in by_label.values() for k in m}
    cols = list(keys) if keys else ["f1", *sorted(k for k in seen if k.startswith("judge_"))]
    cols = [c for c in cols if c in seen]
    table = Table(title="QA by dataset type (×100, 95% CI clustered by conversation)")
    table.add_column("type")
    table.add_column("n", justify="right")
    for c in cols:
        table.add_column(c, justify="right")
    for lab, metrics in sorted(by_label.items()):
        first = metrics.get(cols[0]) if cols else None
        table.add_row(lab, str(first.n if first else 0), *(_fmt(metrics.get(c)) for c in cols))
    return table


def _fmt(m: MetricValue | None) -> str:
    if m is None or m.value is None:
        return "–"
    text = f"{m.value * 100:.1f}"
    if m.ci_low is not None and m.ci_high is not None:
        text += f" [{m.ci_low * 100:.1f}, {m.ci_high * 100:.1f}]"
    return text
