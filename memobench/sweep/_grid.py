"""A sweep as data: the grid's axes, the options every cell shares, and its expansion.

Axes: agents × models × agent options × seeds × datasets. Agent options are a grid of their
own (each key a list of values, ``KEY=V1,V2`` on the command line), shared by every agent or
given per agent. Cells whose configurations derive the same config hash run once.
"""

from __future__ import annotations

import dataclasses
import itertools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..runner import RunConfig

#: ``RunConfig`` fields a sweep file's ``[sweep.run]`` table may set (shared by every cell).
RUN_FIELDS = frozenset(
    f.name
    for f in dataclasses.fields(RunConfig)
    if f.name not in {"agent", "agent_config", "dataset", "model", "seed", "out", "dry_run"}
)


@dataclass(frozen=True)
class SweepSpec:
    """What to run: every combination of the axes, with ``run`` options shared by all."""

    agents: tuple[str, ...]
    """Agent axis (registry names or ``module:Class``)."""
    models: tuple[str, ...]
    """Reader model axis."""
    datasets: tuple[str, ...] = ("locomo10",)
    """Dataset axis."""
    seeds: tuple[int, ...] = (0,)
    """Seed axis."""
    agent_options: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """Option grid for every agent: each key's values are one axis."""
    agent_options_by_agent: dict[str, dict[str, tuple[Any, ...]]] = field(default_factory=dict)
    """Option grid for one agent only (over the shared one)."""
    run: dict[str, Any] = field(default_factory=dict)
    """``RunConfig`` fields shared by every cell (base_url, limit, concurrency, ...)."""
    out: Path = Path("results/sweeps/sweep")
    """Sweep directory: cells under ``runs/``, one leaderboard per dataset under ``leaderboards/``."""

    def __post_init__(self) -> None:
        for name, values in (("agents", self.agents), ("models", self.models)):
            if not values:
                raise ConfigError(f"sweep: {name} is empty (give at least one)")
        unknown = set(self.run) - RUN_FIELDS
        if unknown:
            raise ConfigError(
                f"sweep: unknown run option(s) {', '.join(sorted(unknown))} "
                f"(known: {', '.join(sorted(RUN_FIELDS))})"
            )


@dataclass(frozen=True)
class Cell:
    """One point of the grid."""

    label: str
    """``agent · model · options · seed · dataset``, for reports."""
    config: RunConfig
    """The run it is (``out`` set later, once its config hash is known)."""


def _option_grid(grid: dict[str, tuple[Any, ...]]) -> list[dict[str, Any]]:
    keys = sorted(grid)
    return [
        dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(grid[k] for k in keys))
    ]


def expand(spec: SweepSpec) -> list[Cell]:
    """Every cell, in axis order (dataset, agent, model, options, seed)."""
    run = dict(spec.run)
    for key in ("tasks", "conversations"):
        if run.get(key) is not None:
            run[key] = tuple(run[key])
    if run.get("data_path") is not None:
        run["data_path"] = str(run["data_path"])
    cells = []
    for dataset in spec.datasets:
        for agent in spec.agents:
            grid = {**spec.agent_options, **spec.agent_options_by_agent.get(agent, {})}
            for model in spec.models:
                for options in _option_grid(grid):
                    for seed in spec.seeds:
                        opts = ",".join(f"{k}={v}" for k, v in options.items())
                        label = " · ".join(
                            x for x in (agent, model, opts, f"seed {seed}", dataset) if x
                        )
                        config = RunConfig(
                            agent=agent,
                            agent_config=options,
                            dataset=dataset,
                            model=model,
                            seed=seed,
                            **run,
                        )
                        cells.append(Cell(label=label, config=config))
    return cells


def _tuple(value: Any, where: str) -> tuple[Any, ...]:
    if isinstance(value, list | tuple):
        return tuple(value)
    if isinstance(value, dict):
        raise ConfigError(f"{where}: expected a value or a list, not a table")
    return (value,)


def load_sweep_file(path: Path | str) -> SweepSpec:
    """A sweep from TOML: ``[sweep]`` axes, ``[sweep.run]`` shared options,
    ``[sweep.agent_options]`` (``KEY = [values]``; a sub-table per agent for its own)."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not a readable TOML file ({exc})") from None
    table = raw.get("sweep")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: no [sweep] table")
    known = {"agents", "models", "datasets", "seeds", "agent_options", "run", "out"}
    extra = set(table) - known
    if extra:
        raise ConfigError(f"{path}: [sweep] has unknown key(s) {', '.join(sorted(extra))}")
    shared: dict[str, tuple[Any, ...]] = {}
    by_agent: dict[str, dict[str, tuple[Any, ...]]] = {}
    for key, value in dict(table.get("agent_options", {})).items():
        if isinstance(value, dict):
            by_agent[key] = {
                k: _tuple(v, f"{path}: sweep.agent_options.{key}.{k}") for k, v in value.items()
            }
        else:
            shared[key] = _tuple(value, f"{path}: sweep.agent_options.{key}")
    try:
        return SweepSpec(
            agents=_tuple(table.get("agents", ()), f"{path}: sweep.agents"),
            models=_tuple(table.get("models", ()), f"{path}: sweep.models"),
            datasets=_tuple(table.get("datasets", ("locomo10",)), f"{path}: sweep.datasets"),
            seeds=tuple(int(s) for s in _tuple(table.get("seeds", (0,)), f"{path}: sweep.seeds")),
            agent_options=shared,
            agent_options_by_agent=by_agent,
            run=dict(table.get("run", {})),
            out=Path(table.get("out", "results/sweeps/" + path.stem)),
        )
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
