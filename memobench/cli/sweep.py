"""``memobench sweep``: run a grid of configurations and rank them, one board per dataset."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import click

from ._common import console, data_path_option, fail
from ._executor_options import executor_options


def _values(raw: str) -> tuple[Any, ...]:
    """``5,10`` → (5, 10); each value JSON when it parses, else a string."""
    out: list[Any] = []
    for part in raw.split(","):
        try:
            out.append(json.loads(part))
        except json.JSONDecodeError:
            out.append(part)
    return tuple(out)


@click.command()
@click.argument("sweep_file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--agent", "agents", multiple=True, help="Agent axis (repeat).")
@click.option("--model", "models", multiple=True, help="Reader model axis (repeat).")
@click.option("--dataset", "datasets", multiple=True, help="Dataset axis (repeat).")
@click.option("--seed", "seeds", type=int, multiple=True, help="Seed axis (repeat).")
@click.option(
    "--agent-option",
    "agent_options",
    multiple=True,
    metavar="KEY=V1,V2",
    help="Agent-option axis: every value of KEY (JSON values), e.g. top_k=5,10.",
)
@data_path_option
@click.option("--base-url", envvar="OPENAI_BASE_URL", help="OpenAI-compatible endpoint.")
@click.option("--embedder", help="Embedding model spec.")
@click.option("--conversations", help="Comma-separated conversation ids.")
@click.option("--limit", type=int, help="At most N items per task per conversation.")
@click.option("--concurrency", type=int, help="Items in flight per cell.")
@click.option("--out", type=click.Path(file_okay=False), help="Sweep directory.")
@executor_options
@click.option("-v", "--verbose", is_flag=True)
def sweep(
    sweep_file: str | None,
    agents: tuple[str, ...],
    models: tuple[str, ...],
    datasets: tuple[str, ...],
    seeds: tuple[int, ...],
    agent_options: tuple[str, ...],
    data_path: str | None,
    base_url: str | None,
    embedder: str | None,
    conversations: str | None,
    limit: int | None,
    concurrency: int | None,
    out: str | None,
    executor: str,
    workers: int | None,
    ray_address: str | None,
    verbose: bool,
) -> None:
    """Run every cell of a grid (from SWEEP_FILE and/or the axis options; an axis given on
    the command line replaces the file's), resumably, then build one leaderboard per dataset."""
    import dataclasses

    from ..errors import ConfigError
    from ..executors import close_executor, make_executor
    from ..sweep import SweepSpec, load_sweep_file, run_sweep

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")
    try:
        spec = load_sweep_file(sweep_file) if sweep_file else None
        grid: dict[str, tuple[Any, ...]] = {}
        for item in agent_options:
            key, sep, raw = item.partition("=")
            if not sep:
                raise click.BadParameter(f"{item!r} is not KEY=V1,V2", param_hint="--agent-option")
            grid[key] = _values(raw)
        run: dict[str, Any] = dict(spec.run) if spec else {}
        for key, value in (
            ("data_path", data_path),
            ("base_url", base_url),
            ("embedder", embedder),
            ("limit", limit),
            ("concurrency", concurrency),
            (
                "conversations",
                [c.strip() for c in conversations.split(",")] if conversations else None,
            ),
        ):
            if value is not None:
                run[key] = value
        run.setdefault("progress", False)
        fields: dict[str, Any] = {"run": run}
        for name, given in (
            ("agents", agents),
            ("models", models),
            ("datasets", datasets),
            ("seeds", seeds),
        ):
            if given:
                fields[name] = tuple(given)
        if grid:
            fields["agent_options"] = grid
        if out:
            fields["out"] = Path(out)
        if spec is None:
            if not agents or not models:
                raise ConfigError("memobench sweep: give a SWEEP_FILE or --agent and --model")
            spec = SweepSpec(**fields)
        else:
            spec = dataclasses.replace(spec, **fields)
        chosen = make_executor(executor, workers=workers, ray_address=ray_address)
    except ConfigError as exc:
        fail(str(exc), code=2)
    try:
        report = run_sweep(spec, chosen)
    finally:
        close_executor(chosen)
    _print_report(report)
    if report.failed or report.board_errors:
        raise SystemExit(1)


def _print_report(report: Any) -> None:
    from rich.table import Table

    from ..leaderboard import Leaderboard, render_table

    con = console()
    table = Table("cell", "status", "config hash", "run directory / error")
    for c in report.cells:
        where = c.error if c.status == "failed" else str(c.run_dir or f"= {c.duplicate_of}")
        style = {"failed": "red", "duplicate": "dim"}.get(c.status, "")
        table.add_row(
            c.label, f"[{style}]{c.status}[/]" if style else c.status, c.config_hash or "-", where
        )
    con.print(table)
    for key, path in report.leaderboards.items():
        board = Leaderboard.model_validate_json(path.read_text(encoding="utf-8"))
        con.print(f"[bold]leaderboard {key}[/] ({path})")
        con.print(render_table(board))
    for key, why in report.board_errors.items():
        con.print(f"[red]leaderboard {key} not built: {why}[/]")
    if report.failed:
        con.print(
            f"[red]{len(report.failed)} cell(s) failed; rerun the same command to retry them[/]"
        )
