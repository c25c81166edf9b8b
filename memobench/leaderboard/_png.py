"""Per-task PNG charts for papers (matplotlib, optional)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._columns import task_order, task_view
from ._pareto import FRONT_AXES, FrontPlot, front_plots
from ._schema import Leaderboard


class MissingDependencyError(RuntimeError):
    """An optional package a view needs is not installed."""


def render_png(board: Leaderboard, out_dir: str | Path, *, dpi: int = 200) -> list[Path]:
    """Write ``leaderboard_<task>.png`` per task: grouped bars per category, overall with CI."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display in CI / headless servers
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MissingDependencyError("PNG charts need matplotlib: pip install matplotlib") from exc

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for task in task_order(board):
        view = task_view(board, task)
        groups = [c for c in view.columns if c.key.startswith("cat") or c.key == "overall"]
        n = max(1, len(view.rows))
        width = 0.8 / n
        fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(groups) + 2), 3.6))
        for i, (entry, row) in enumerate(zip(view.entries, view.rows, strict=True)):
            xs: list[float] = []
            ys: list[float] = []
            errs: list[list[float]] = [[], []]
            for g, col in enumerate(groups):
                cell = row[col.key]
                if not isinstance(cell.value, int | float):
                    continue
                xs.append(g + (i - (n - 1) / 2) * width)
                ys.append(100 * cell.value)
                lo, hi = cell.ci if cell.ci else (cell.value, cell.value)
                errs[0].append(100 * max(0.0, cell.value - lo))
                errs[1].append(100 * max(0.0, hi - cell.value))
            label = entry.label + (" (smoke test)" if entry.smoke_test else "")
            ax.bar(xs, ys, width, yerr=errs, capsize=2, label=label)
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels([c.title.replace(" [95% CI]", "") for c in groups], fontsize=8)
        ax.set_ylabel(f"{view.main_metric} ×100")
        ax.set_ylim(0, 100)
        ax.set_title(
            f"{board.dataset.name}: {task} (95% CI, clustered by conversation)", fontsize=9
        )
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig.tight_layout()
        path = out_dir / f"leaderboard_{task}.png"
        fig.savefig(path, dpi=dpi)
        plt.close(fig)
        written.append(path)
    plots = front_plots(board)
    if any(p.points for p in plots):
        written.append(_front_png(board, plots, out_dir, dpi, plt))
    return written


def _front_png(
    board: Leaderboard, plots: list[FrontPlot], out_dir: Path, dpi: int, plt: Any
) -> Path:
    """``leaderboard_<task>_front.png``: accuracy × (cost, latency), one row per metric, front
    points filled orange and joined by the front staircase."""
    metrics = list(dict.fromkeys(p.metric for p in plots))
    axes_keys = list(FRONT_AXES)
    fig, axes = plt.subplots(
        len(metrics), len(axes_keys), figsize=(9, 3.4 * len(metrics)), squeeze=False
    )
    for plot in plots:
        ax = axes[metrics.index(plot.metric)][axes_keys.index(plot.axis)]
        if not plot.points:
            ax.text(0.5, 0.5, "no entry has this number", ha="center", transform=ax.transAxes)
            ax.set_axis_off()
            continue
        front = plot.front
        if len(front) > 1:
            ax.step(
                [p.x for p in front],
                [100 * p.y for p in front],
                where="post",
                color="#d9480f",
                lw=1.5,
                zorder=1,
            )
        for p in plot.points:
            ax.scatter(
                [p.x],
                [100 * p.y],
                s=60 if p.on_front else 25,
                zorder=2,
                color="#d9480f" if p.on_front else "#868e96",
            )
            ax.annotate(
                p.label + (" (smoke)" if p.smoke_test else ""),
                (p.x, 100 * p.y),
                xytext=(5, 3),
                textcoords="offset points",
                fontsize=7,
            )
        ax.set_xlabel(FRONT_AXES[plot.axis], fontsize=8)
        ax.set_ylabel(f"{plot.metric} ×100", fontsize=8)
        ax.tick_params(labelsize=7)
        notes = []
        if len({p.x for p in plot.points}) == 1:
            notes.append(f"every plotted entry: {plot.points[0].x:g}")
        if plot.left_out:
            notes.append("not plotted: " + ", ".join(plot.left_out))
        if notes:
            ax.set_title("; ".join(notes), fontsize=7)
    task = plots[0].task
    fig.suptitle(
        f"{board.dataset.name}: {task} accuracy vs cost and latency (orange: Pareto front)",
        fontsize=9,
    )
    fig.tight_layout()
    path = out_dir / f"leaderboard_{task}_front.png"
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path
