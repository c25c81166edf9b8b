"""Running a sweep: dedupe cells by config hash, run each on an executor, report, rank.

Resumable like a run: each cell is a run directory under ``<out>/runs/``; a rerun finishes
what is missing and skips cells whose answers and results are complete. A failing cell is
reported and the sweep goes on. Then one leaderboard per dataset (per dataset and seed when
the grid has several seeds: boards only merge runs of one seed) from the finished cells.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import leaderboard as lb
from .._util import atomic_write_text
from ..datasets import load_dataset
from ..executors import Executor, run_config
from ..results import RunResults
from ..runner import Runner
from ._grid import Cell, SweepSpec, expand

log = logging.getLogger("memobench.sweep")


@dataclass(frozen=True)
class CellOutcome:
    """What became of one cell."""

    label: str
    """The cell's axes, readable."""
    config_hash: str | None
    """Its run's config hash (None when it could not even be configured)."""
    run_dir: Path | None
    """Its run directory."""
    status: str
    """``done``, ``resumed-complete`` (nothing left to ask), ``duplicate`` or ``failed``."""
    error: str | None = None
    """Why it failed (one line)."""
    duplicate_of: str | None = None
    """The label of the cell with the same config hash, for a duplicate."""


@dataclass(frozen=True)
class SweepReport:
    """The sweep's outcome."""

    cells: tuple[CellOutcome, ...]
    """Every cell, in grid order."""
    leaderboards: dict[str, Path] = field(default_factory=dict)
    """Board key (dataset, or ``dataset@seed N``) → its leaderboard JSON file."""
    board_errors: dict[str, str] = field(default_factory=dict)
    """Board key → why it could not be built."""

    @property
    def failed(self) -> list[CellOutcome]:
        return [c for c in self.cells if c.status == "failed"]


def _complete(runner: Runner) -> bool:
    return runner.run_dir.results.is_file() and not runner.pending(set(runner.run_dir.done()))


def run_sweep(spec: SweepSpec, executor: Executor) -> SweepReport:
    """Run every distinct cell of ``spec`` on ``executor``, then build the leaderboards."""
    datasets: dict[tuple[str, str | None, bool], Any] = {}
    seen: dict[str, str] = {}
    outcomes: list[CellOutcome] = []
    finished: list[tuple[Cell, Path]] = []
    for cell in expand(spec):
        cfg = cell.config
        try:
            key = (cfg.dataset, cfg.data_path, cfg.dedupe)
            if key not in datasets:
                datasets[key] = load_dataset(
                    cfg.dataset, data_path=cfg.data_path, dedupe=cfg.dedupe
                )
            probe = Runner(cfg, dataset=datasets[key])
        except Exception as exc:  # a cell that cannot be configured fails alone
            outcomes.append(CellOutcome(cell.label, None, None, "failed", _line(exc)))
            continue
        if probe.config_hash in seen:
            outcomes.append(
                CellOutcome(
                    cell.label, probe.config_hash, None, "duplicate", None, seen[probe.config_hash]
                )
            )
            continue
        seen[probe.config_hash] = cell.label
        out = spec.out / "runs" / probe.run_dir.path.name
        cfg = dataclasses.replace(cfg, out=out)
        runner = Runner(cfg, dataset=datasets[key])
        try:
            if _complete(runner):
                status = "resumed-complete"
            else:
                log.info("sweep cell %s → %s", cell.label, out)
                run_config(cfg, executor, runner=runner)
                status = "done"
        except Exception as exc:  # reported, and the sweep goes on
            log.warning("sweep cell %s failed: %s", cell.label, _line(exc))
            outcomes.append(CellOutcome(cell.label, runner.config_hash, out, "failed", _line(exc)))
            continue
        outcomes.append(CellOutcome(cell.label, runner.config_hash, out, status))
        finished.append((cell, out))
    boards, errors = _leaderboards(spec, finished)
    return SweepReport(tuple(outcomes), boards, errors)


def _line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:500]


def _leaderboards(
    spec: SweepSpec, finished: list[tuple[Cell, Path]]
) -> tuple[dict[str, Path], dict[str, str]]:
    groups: dict[str, list[Path]] = {}
    several_seeds = len(set(spec.seeds)) > 1
    for cell, out in finished:
        results = RunResults.model_validate_json((out / "results.json").read_text(encoding="utf-8"))
        name = results.spec.dataset.name
        key = f"{name}@seed{cell.config.seed}" if several_seeds else name
        groups.setdefault(key, []).append(out)
    boards: dict[str, Path] = {}
    errors: dict[str, str] = {}
    target = spec.out / "leaderboards"
    for key, dirs in sorted(groups.items()):
        try:
            board = _build(dirs, target)
        except Exception as exc:  # e.g. runs that are not comparable: say why
            errors[key] = _line(exc)
            continue
        path = target / f"{key}.json"
        target.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, board.model_dump_json(indent=2) + "\n")
        boards[key] = path
    return boards, errors


def _build(dirs: list[Path], base: Path) -> lb.Leaderboard:
    """One dataset's board through the leaderboard facade (its per-dataset builder when the
    installed version has one, which then checks that the group is one dataset)."""
    per_dataset = getattr(lb, "build_leaderboards", None)
    if per_dataset is not None:
        built = per_dataset(dirs, base_dir=base)
        (board,) = built.values()
        return board
    return lb.build_leaderboard(dirs, base_dir=base)
