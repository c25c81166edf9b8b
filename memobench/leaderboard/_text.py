"""Terminal (rich) and Markdown renderings."""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ._columns import task_order, task_view
from ._schema import Leaderboard


def _caption(board: Leaderboard, task: str) -> str:
    info = board.tasks[task]
    return (
        f"{task} {info.version} (scoring {info.scoring_version}) · dataset "
        f"{board.dataset.name} sha256 {board.dataset.sha256[:12]} · scores ×100"
    )


def rich_tables(board: Leaderboard) -> Group:
    """One rich table per task."""
    tables = []
    for task in task_order(board):
        view = task_view(board, task)
        table = Table(title=f"memobench leaderboard: {task}", caption=_caption(board, task))
        for col in view.columns:
            table.add_column(
                col.title,
                justify="left" if col.kind == "text" else "right",
                no_wrap=col.key == "overall",
            )
        for entry, row in zip(view.entries, view.rows, strict=True):
            cells = [Text(row[c.key].text) for c in view.columns]
            if entry.smoke_test:
                cells[1].append(" [SMOKE TEST]", style="bold yellow")
            table.add_row(*cells, style="dim" if entry.smoke_test else None)
        tables.append(table)
    return Group(*tables)


def render_table(board: Leaderboard, *, width: int = 200) -> str:
    """Plain text of the rich tables (for files and tests)."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, force_terminal=False, color_system=None).print(
        rich_tables(board)
    )
    return buffer.getvalue()


def render_markdown(board: Leaderboard) -> str:
    """GitHub-flavoured Markdown tables, one per task."""
    out = []
    for task in task_order(board):
        view = task_view(board, task)
        out.append(f"### {task}\n\n{_caption(board, task)}\n")
        out.append("| " + " | ".join(c.title for c in view.columns) + " |")
        out.append("|" + "|".join(":--" if c.kind == "text" else "--:" for c in view.columns) + "|")
        for entry, row in zip(view.entries, view.rows, strict=True):
            cells = [row[c.key].text.replace("|", "\\|") for c in view.columns]
            if entry.smoke_test:
                cells[1] += " ⚠ **smoke test**"
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)
