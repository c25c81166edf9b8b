"""Terminal tables of task results (rich), with LoCoMo category names in the paper's order."""

from __future__ import annotations

from typing import Any

from ..data import PAPER_ORDER
from ._guards import guard_warnings
from ._schema import MetricValue, TaskResult

#: Failure-taxonomy labels as column titles, in the order the table shows them.
TAXONOMY_TITLES = {
    "correct": "correct",
    "retrieval_miss": "retrieval miss",
    "reader_miss": "reader miss",
    "false_abstention": "false abstention",
    "missed_abstention": "missed abstention",
    "not_scorable": "not scorable",
}


def fmt(m: MetricValue | None, *, pct: bool = True) -> str:
    if m is None or m.value is None:
        return "–"
    scale = 100 if pct else 1
    text = f"{m.value * scale:.1f}"
    if m.ci_low is not None and m.ci_high is not None:
        text += f" [{m.ci_low * scale:.1f}, {m.ci_high * scale:.1f}]"
    elif m.n_clusters == 1:
        text += " (1 conv., no CI)"
    return text


def taxonomy_table(result: TaskResult) -> Any:
    """Why answers were lost, per category (counts); None when the run has no taxonomy."""
    from rich.table import Table

    tax = result.extra.get("failure_taxonomy")
    if not tax or not tax.get("n"):
        return None
    table = Table(
        title=f"Failure taxonomy ({tax['n']} QA items with retrieved ids; right = {tax['key']}"
        " ≥ 0.5)"
    )
    table.add_column("category")
    for title in TAXONOMY_TITLES.values():
        table.add_column(title, justify="right")
    for cat in PAPER_ORDER:
        counts = tax["per_category"].get(str(int(cat)))
        if counts:
            table.add_row(f"{int(cat)} {cat.label}", *(str(counts[k]) for k in TAXONOMY_TITLES))
    table.add_row("all", *(str(tax["overall"][k]) for k in TAXONOMY_TITLES), style="bold")
    return table


def qa_summary(result: TaskResult) -> Any:
    """The QA table, then the failure taxonomy and any retrieval-bypass warning."""
    from rich.console import Group
    from rich.text import Text

    parts: list[Any] = [qa_table(result)]
    tax = taxonomy_table(result)
    if tax is not None:
        parts.append(tax)
    for line in guard_warnings(result.extra.get("retrieval_guards")):
        parts.append(Text(f"warning: {line}", style="bold red"))
    return Group(*parts)


def qa_table(
    result: TaskResult, *, title: str = "QA (LoCoMo F1 ×100, 95% CI clustered by conversation)"
) -> Any:
    """Rows per category in the paper's column order, then both overall numbers, labelled."""
    from rich.table import Table

    has_recall = "recall" in result.metrics
    table = Table(title=title)
    table.add_column("category")
    table.add_column("n", justify="right")
    table.add_column("F1", justify="right")
    if has_recall:
        table.add_column("recall (official)", justify="right")
    for cat in PAPER_ORDER:
        metrics = result.by_category.get(str(int(cat)))
        if not metrics:
            continue
        f1 = metrics.get("f1")
        row = [f"{int(cat)} {cat.label}", str(f1.n if f1 else 0), fmt(f1)]
        if has_recall:
            row.append(fmt(metrics.get("recall")))
        table.add_row(*row)
    overall = result.metrics.get("f1")
    row = [
        "overall, all 5 categories (LoCoMo paper)",
        str(overall.n if overall else 0),
        fmt(overall),
    ]
    if has_recall:
        row.append(fmt(result.metrics.get("recall")))
    table.add_row(*row, style="bold")
    c14 = result.metrics.get("f1_cat1_4")
    row = ["overall, categories 1–4 (later papers)", str(c14.n if c14 else 0), fmt(c14)]
    if has_recall:
        row.append("")
    table.add_row(*row, style="bold")
    missing = overall.n_missing if overall else 0
    if missing:
        table.caption = f"{missing} questions had no prediction (scored 0, counted)"
    return table
