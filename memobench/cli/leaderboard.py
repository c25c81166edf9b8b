"""``memobench leaderboard``: build, show, verify and compare leaderboards."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import click

from ._lazy import UserErrorGroup

DEFAULT_PATH = "results/leaderboard.json"


def _load(path: str):  # -> Leaderboard (imported lazily to keep --help fast)
    from ..errors import DataError
    from ..leaderboard import Leaderboard

    try:
        return Leaderboard.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc
    except ValueError as exc:
        raise DataError(f"{path} is not a valid leaderboard: {exc}") from exc


@click.group(cls=UserErrorGroup)
def leaderboard() -> None:
    """Merge runs into a leaderboard, render it, verify it, compare entries."""


@leaderboard.command()
@click.argument("run_dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", default=DEFAULT_PATH, show_default=True, type=click.Path())
@click.option("--seed", default=0, show_default=True, help="Seed of the paired tests.")
@click.option(
    "--method",
    type=click.Choice(["permutation", "bootstrap"]),
    default="permutation",
    show_default=True,
    help="How paired-test p-values are computed.",
)
@click.option("--n-resamples", default=5000, show_default=True)
@click.option(
    "--calibration",
    "calibrations",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A `memobench judge calibrate` report: shows each judge's false-positive rate.",
)
def build(
    run_dirs: tuple[str, ...],
    output: str,
    seed: int,
    method: Literal["bootstrap", "permutation"],
    n_resamples: int,
    calibrations: tuple[str, ...],
) -> None:
    """Build a leaderboard from RUN_DIRS (refuses runs that are not comparable)."""
    from .._util import atomic_write_text
    from ..leaderboard import IncompatibleRunsError, build_leaderboard

    out = Path(output)
    try:
        board = build_leaderboard(
            run_dirs,
            seed=seed,
            base_dir=out.parent,
            method=method,
            n_resamples=n_resamples,
            calibrations=calibrations,
        )
    except (IncompatibleRunsError, FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    atomic_write_text(out, board.model_dump_json(indent=2) + "\n")
    click.echo(f"wrote {out} ({len(board.entries)} entries, {len(board.comparisons)} paired tests)")


@leaderboard.command()
@click.argument("path", default=DEFAULT_PATH, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "markdown", "html", "png"]),
    default="table",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(), help="File to write (a directory for png).")
def show(path: str, fmt: str, output: str | None) -> None:
    """Render the leaderboard at PATH."""
    from rich.console import Console

    from .._util import atomic_write_text
    from ..leaderboard import (
        MissingDependencyError,
        render_html,
        render_markdown,
        render_png,
        render_table,
        rich_tables,
    )

    board = _load(path)
    if fmt == "png":
        try:
            written = render_png(board, output or Path(path).parent)
        except MissingDependencyError as exc:
            raise click.ClickException(str(exc)) from exc
        for p in written:
            click.echo(f"wrote {p}")
        return
    if fmt == "table" and output is None:
        console = Console()
        if not console.is_terminal:  # piped: rich would squeeze the wide table into 80 columns
            console = Console(width=220)
        console.print(rich_tables(board))
        return
    text = {"table": render_table, "markdown": render_markdown, "html": render_html}[fmt](board)
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write_text(output, text)
        Path(output).chmod(0o644)
        click.echo(f"wrote {output}")


@leaderboard.command()
@click.argument("path", default=DEFAULT_PATH, type=click.Path(exists=True, dir_okay=False))
def verify(path: str) -> None:
    """Recompute every number of PATH from its run files; exit 1 on any difference."""
    from ..leaderboard import verify_leaderboard

    problems = verify_leaderboard(path)
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"FAILED: {len(problems)} difference(s)", err=True)
        raise SystemExit(1)
    click.echo(f"OK: {path} matches its runs")


@leaderboard.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.argument("agent_a")
@click.argument("agent_b")
@click.option("--task", default=None, help="Task to compare (default: the primary task).")
@click.option("--method", type=click.Choice(["permutation", "bootstrap"]), default=None)
@click.option("--n-resamples", type=int, default=None)
@click.option("--seed", type=int, default=None)
def compare(
    path: str,
    agent_a: str,
    agent_b: str,
    task: str | None,
    method: str | None,
    n_resamples: int | None,
    seed: int | None,
) -> None:
    """Paired test of AGENT_A vs AGENT_B (label, agent name or run id) on the main metric."""
    from ..leaderboard import load_run
    from ..results import item_scores
    from ..stats import paired_test

    board = _load(path)
    task = task or board.primary_task
    if task not in board.tasks:
        raise click.ClickException(f"no task {task!r}; tasks: {', '.join(board.tasks)}")

    def find(name: str):
        hits = [e for e in board.entries if name in (e.label, e.run_id)]
        hits = hits or [e for e in board.entries if e.agent.name == name]
        if len(hits) != 1:
            known = ", ".join(e.label for e in board.entries)
            what = "is ambiguous" if hits else "not found"
            raise click.ClickException(f"entry {name!r} {what}; entries: {known}")
        return hits[0]

    ea, eb = find(agent_a), find(agent_b)
    metric = board.tasks[task].main_metric
    base = Path(path).parent
    a, ca = item_scores(load_run(base / ea.run_path).samples, task, metric)
    b, cb = item_scores(load_run(base / eb.run_path).samples, task, metric)
    try:
        res = paired_test(
            a,
            b,
            {**cb, **ca},
            method=method or board.comparison_method,  # type: ignore[arg-type]
            n_resamples=n_resamples or board.n_resamples,
            seed=board.seed if seed is None else seed,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{task} {metric}: {ea.label} − {eb.label} = {100 * res.diff:+.2f} "
        f"[95% CI {100 * res.ci_low:+.2f}, {100 * res.ci_high:+.2f}] "
        f"p = {res.p_value:.4g} ({res.method}, n = {res.n} items)"
    )
    if res.min_p_value > 0.05:
        click.echo(
            f"note: {res.n_clusters} conversations cannot support a significance claim "
            f"(the smallest attainable p is {res.min_p_value:.4g})"
        )
