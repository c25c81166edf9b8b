"""The columns every view shows, computed once so table, markdown, HTML and PNG agree."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..results import MetricValue, PhaseUsageReport, base_score_key
from ._schema import Leaderboard, LeaderboardEntry, TaskScores

#: LoCoMo category numbers → names (derived from the data, not Mem0's mislabelled map).
LOCOMO_CATEGORIES = {
    "1": "multi-hop",
    "2": "temporal",
    "3": "open-domain",
    "4": "single-hop",
    "5": "adversarial",
}
#: The LoCoMo paper's column order.
PAPER_ORDER = ("4", "1", "2", "3", "5")
_METRIC_TITLES = {
    "f1_cat1_4": "overall cat 1–4",
    "abstain_on_unanswerable": "abstention recall (5)",
    "false_abstention": "false abstention (1–4)",
    "f1_errata": "F1 errata-corrected",
}
#: Failure-taxonomy labels shown as columns (``correct`` is the score's business), QA only.
TAXONOMY_COLUMNS = {
    "retrieval_miss": "retrieval miss",
    "reader_miss": "reader miss",
    "false_abstention": "false abst.",
    "missed_abstention": "missed abst.",
    "not_scorable": "not scorable",
}
#: Columns a view shows per task (every metric stays in the JSON); judged scores always show.
SHOWN_METRICS: dict[str, tuple[str, ...]] = {
    "qa": ("f1_cat1_4", "recall", "abstain_on_unanswerable", "false_abstention", "f1_errata"),
    "event_summary": ("rouge1", "rouge2", "rougeL", "fact_precision_emb", "fact_recall_emb"),
    "dialogue": ("bleu1", "bleu2", "rougeL", "bertscore_f1", "mm_relevance"),
}


def _shown(task: str, keys: set[str], main: str) -> list[str]:
    wanted = SHOWN_METRICS.get(task)
    chosen = keys if wanted is None else {k for k in keys if k in wanted or "judge" in k}
    order = {k: i for i, k in enumerate(wanted or ())}
    return sorted(chosen - {main}, key=lambda k: (order.get(k, len(order)), k))


def judge_text(e: LeaderboardEntry) -> str:
    """``strict: openai:gpt-4o-mini #1a2b3c FPR 12.0%`` for each judge of the entry."""
    parts = []
    for info in e.judges.values():
        fpr = "FPR not calibrated" if info.fpr is None else f"FPR {100 * info.fpr:.1f}%"
        parts.append(f"{info.mode}: {info.model} #{info.prompt_sha256[:6]} {fpr}")
    return "; ".join(parts)


@dataclass(frozen=True)
class Cell:
    """One cell: ``value`` sorts and scales bars, ``text`` is shown, ``ci`` draws whiskers."""

    value: float | str | None
    text: str
    ci: tuple[float, float] | None = None


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str  # "text" | "score" | "delta" | "money" | "count" | "seconds"


@dataclass
class TaskView:
    task: str
    main_metric: str
    columns: list[Column]
    rows: list[dict[str, Cell]] = field(default_factory=list)
    entries: list[LeaderboardEntry] = field(default_factory=list)


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def signed_pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:+.1f}"


def money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:.4f}"


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def row_flags(e: LeaderboardEntry, task: str) -> list[str]:
    """The row's labels: smoke test, deviations from the majority, retrieval-bypass guards."""
    guards = e.tasks[task].retrieval_guards if task in e.tasks else None
    return (
        (["SMOKE TEST"] if e.smoke_test else []) + e.flags + (list(guards.flags) if guards else [])
    )


def _taxonomy_cells(scores: TaskScores) -> dict[str, Cell]:
    tax = scores.failure_taxonomy
    out = {}
    for label in TAXONOMY_COLUMNS:
        if tax is None:
            out[f"tax:{label}"] = Cell(None, "–")
        else:
            count = tax.overall.get(label, 0)
            out[f"tax:{label}"] = Cell(count, f"{count}/{tax.n}")
    return out


def _ingest(e: LeaderboardEntry) -> PhaseUsageReport | None:
    """The run's ingest-phase usage, when it made or replayed any ingest call."""
    usage = e.usage.get("ingest")
    return usage if usage is not None and usage.calls + usage.cache_hits > 0 else None


def _ingest_cells(e: LeaderboardEntry) -> dict[str, Cell]:
    usage = _ingest(e)
    if usage is None:
        return {k: Cell(None, "–") for k in ("ingest_calls", "ingest_tokens", "ingest_cost")}
    calls = usage.calls + usage.cache_hits  # a replayed run still needed every call
    tokens = f"{usage.prompt_tokens:,} / {usage.completion_tokens:,}"
    return {
        "ingest_calls": Cell(calls, f"{calls:,}"),
        "ingest_tokens": Cell(usage.prompt_tokens, tokens),
        "ingest_cost": Cell(usage.cost_usd, money(usage.cost_usd)),
    }


def category_title(cat: str) -> str:
    name = LOCOMO_CATEGORIES.get(cat)
    return f"{name} ({cat})" if name else f"category {cat}"


def _score_cell(metric: MetricValue | None, *, with_ci: bool = False) -> Cell:
    if metric is None or metric.value is None:
        return Cell(None, "–")
    ci = None
    if metric.ci_low is not None and metric.ci_high is not None:
        ci = (metric.ci_low, metric.ci_high)
    text = pct(metric.value)
    if with_ci and ci:
        text += f" [{pct(ci[0])}, {pct(ci[1])}]"
    elif with_ci and metric.n_clusters == 1:
        text += " (1 conv., no CI)"
    return Cell(metric.value, text, ci)


def task_order(board: Leaderboard) -> list[str]:
    """Tasks in display order: the primary task (QA) first, the others by name."""
    return sorted(board.tasks, key=lambda t: (t != board.primary_task, t))


def task_view(board: Leaderboard, task: str) -> TaskView:
    """Columns and rows of one task, entries in rank order."""
    main = board.tasks[task].main_metric
    entries = [e for e in board.entries if task in e.tasks]
    cats = {c for e in entries for c in e.tasks[task].by_category}
    ordered_cats = [c for c in PAPER_ORDER if c in cats] + sorted(cats - set(PAPER_ORDER))
    others = _shown(task, {k for e in entries for k in e.tasks[task].metrics}, main)
    with_judges = task == "qa" and any(e.judges for e in entries)
    columns = [Column("rank", "#", "text"), Column("agent", "agent", "text")]
    columns += [Column("reader", "reader", "text")]
    columns += [Column(f"cat{c}", category_title(c), "score") for c in ordered_cats]
    columns += [Column("overall", f"overall {main} [95% CI]", "score")]
    columns += [Column(f"m:{k}", _METRIC_TITLES.get(k, k), "score") for k in others]
    with_length = any(e.tasks[task].answer_length for e in entries)
    if with_length:
        columns += [Column("length", "words pred / gold", "text")]
    if with_judges:
        columns += [Column("judges", "judge (model, prompt, false-positive rate)", "text")]
    with_tax = any(e.tasks[task].failure_taxonomy for e in entries)
    if with_tax:
        columns += [Column(f"tax:{k}", t, "count") for k, t in TAXONOMY_COLUMNS.items()]
    with_latency = any(e.tasks[task].answer_latency for e in entries)
    # What building the memory took, per run (so shown once, on the primary task's table):
    # the cost nobody else charges a memory system for.
    with_ingest = task == board.primary_task and any(_ingest(e) for e in entries)
    columns += [
        Column("memory_gain", "memory gain", "delta"),
        Column("gap_to_oracle", "gap to oracle", "delta"),
        Column("cost100", "$ / 100 q", "money"),
    ]
    if with_ingest:
        columns += [
            Column("ingest_calls", "ingest calls", "count"),
            Column("ingest_tokens", "ingest tokens in / out", "text"),
            Column("ingest_cost", "$ ingest", "money"),
        ]
    if with_latency:
        columns += [Column("latency_p50", "p50 answer latency", "seconds")]
    columns += [Column("flags", "flags", "text")]
    view = TaskView(task=task, main_metric=main, columns=columns, entries=entries)
    cat_key = base_score_key(main)
    for e in entries:
        scores = e.tasks[task]
        labels = row_flags(e, task)
        row = {
            "rank": Cell(e.rank, str(e.rank)),
            "agent": Cell(e.label, e.label),
            "reader": Cell(e.reader_model or "", e.reader_model or "–"),
            "overall": _score_cell(scores.metrics.get(main), with_ci=True),
            "memory_gain": Cell(scores.memory_gain, signed_pct(scores.memory_gain)),
            "gap_to_oracle": Cell(scores.gap_to_oracle, signed_pct(scores.gap_to_oracle)),
            "cost100": Cell(e.cost_per_100_questions, money(e.cost_per_100_questions)),
            "flags": Cell(", ".join(labels), ", ".join(labels)),
        }
        for c in ordered_cats:
            cat_metrics = scores.by_category.get(c, {})
            row[f"cat{c}"] = _score_cell(cat_metrics.get(main) or cat_metrics.get(cat_key))
        for k in others:
            row[f"m:{k}"] = _score_cell(scores.metrics.get(k))
        if with_length:
            ln = scores.answer_length
            pred, gold = ln.get("mean_prediction_words"), ln.get("mean_gold_words")
            text = "–" if pred is None or gold is None else f"{pred:.1f} / {gold:.1f}"
            row["length"] = Cell(pred, text)
        if with_tax:
            row.update(_taxonomy_cells(scores))
        if with_ingest:
            row.update(_ingest_cells(e))
        if with_latency:
            lat = scores.answer_latency
            row["latency_p50"] = Cell(
                lat.p50_s if lat else None, seconds(lat.p50_s if lat else None)
            )
        if with_judges:
            row["judges"] = Cell(judge_text(e), judge_text(e) or "–")
        view.rows.append(row)
    return view
