"""Per-task PNG charts for papers (matplotlib, optional)."""

from __future__ import annotations

from pathlib import Path

from ._columns import task_order, task_view
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
            xs, ys, errs = [], [], [[], []]
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
    return written
