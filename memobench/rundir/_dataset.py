"""What a run directory refers to: its dataset (checked by sha256) and its usage report."""

from __future__ import annotations

from pathlib import Path

from ..datasets import LoadedDataset, load_dataset, recorded_file
from ..errors import DataError
from ..llm import UsageRow
from ..registry import datasets as dataset_registry
from ..results import PhaseUsageReport, RunSpec
from ._rundir import RunDir


def usage_report(run_dir: RunDir) -> dict[str, PhaseUsageReport]:
    report = run_dir.total_meter().report()

    def conv(row: UsageRow) -> PhaseUsageReport:
        return PhaseUsageReport(
            calls=row.calls,
            cache_hits=row.cache_hits,
            prompt_tokens=row.prompt_tokens,
            completion_tokens=row.completion_tokens,
            cached_tokens=row.cached_tokens,
            cost_usd=row.cost_usd,
            latency_p50_s=row.latency_p50_s,
            latency_p95_s=row.latency_p95_s,
        )

    out = {row.phase: conv(row) for row in report.by_phase}
    out["total"] = conv(report.total)
    return out


def check_dataset(ds: LoadedDataset, spec: RunSpec) -> None:
    if ds.sha256 != spec.dataset.sha256:
        raise DataError(f"dataset sha256 {ds.sha256} differs from the run's {spec.dataset.sha256}")


def load_run_dataset(
    spec: RunSpec, data_path: str | None = None, run_dir: Path | None = None
) -> LoadedDataset:
    """The dataset a run was made on, checked by sha256: the file ``data_path`` names, for an
    unregistered dataset; else its recorded path, relative to ``run_dir`` (or to the current
    directory, as older runs recorded it) when a file is there; else its registered name,
    found through ``data_path``."""
    source: str | Path = spec.dataset.name
    if spec.dataset.name not in dataset_registry and data_path and Path(data_path).is_file():
        source = data_path
    else:
        source = recorded_file(spec.dataset.path, run_dir) or source
    ds = load_dataset(source, data_path=data_path, dedupe=bool(spec.options.get("dedupe")))
    check_dataset(ds, spec)
    return ds
