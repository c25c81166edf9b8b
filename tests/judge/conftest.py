from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from memobench._util import Provenance
from memobench.datasets import LoadedDataset, load_dataset
from memobench.llm import MockBackend
from memobench.results import AgentRef, DatasetRef, RunResults, RunSpec, aggregate_task
from memobench.runner import RunDir
from memobench.tasks import qa_task

# Same lookup as tests/conftest.py: MEMOBENCH_DATA_DIR, else ../shared/datasets beside the clone.
_DATA = os.environ.get("MEMOBENCH_DATA_DIR")
LOCOMO = (
    (Path(_DATA) if _DATA else Path(__file__).resolve().parents[2].parent / "shared" / "datasets")
    / "locomo"
    / "locomo10.json"
)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("MEMOBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MEMOBENCH_NO_CACHE", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    MockBackend.reset()
    yield
    MockBackend.reset()


@functools.cache
def _locomo() -> LoadedDataset:
    return load_dataset(LOCOMO)


@pytest.fixture
def locomo() -> LoadedDataset:
    if not LOCOMO.is_file():
        pytest.skip(f"locomo10.json not found at {LOCOMO}; set MEMOBENCH_DATA_DIR")
    return _locomo()


PROV = Provenance(memobench_version="0", created_at="2026-01-01T00:00:00+00:00")


def _make_run(tmp: Path, ds, convs, predictions: dict[str, str]) -> Path:  # type: ignore[no-untyped-def]
    """Score ``predictions`` (qa_id -> answer; absent = unanswered) on ``convs`` of ``ds``."""
    spec = RunSpec(
        dataset=DatasetRef(name=ds.name, sha256=ds.sha256),
        agent=AgentRef(name="fake"),
        tasks={"qa": "1"},
    )
    run = tmp / "run"
    RunDir(run).write_header(
        {
            "run_id": "r1",
            "config_hash": "c",
            "spec": spec.model_dump(mode="json"),
            "provenance": PROV.model_dump(mode="json"),
        }
    )
    answers = {k: {"prediction": v, "retrieved": None, "extra": {}} for k, v in predictions.items()}
    scored = qa_task().score(convs, answers, options={})
    samples = [s for s in scored if s.item_id in predictions] + [
        s.model_copy(update={"prediction": None}) for s in scored if s.item_id not in predictions
    ]
    (run / "samples.jsonl").write_text("".join(s.model_dump_json() + "\n" for s in samples))
    qa = aggregate_task(samples, task="qa", task_version="1", scoring_version="1", main_metric="f1")
    res = RunResults(run_id="r1", config_hash="c", spec=spec, provenance=PROV, tasks={"qa": qa})
    (run / "results.json").write_text(res.model_dump_json())
    return run


@pytest.fixture
def make_ds_run():  # type: ignore[no-untyped-def]
    """A run directory of scored QA samples for any loaded dataset (no agent)."""
    return _make_run


@pytest.fixture
def data_root() -> Path:
    """The shared data directory (MEMOBENCH_DATA_DIR, else ../shared/datasets)."""
    return LOCOMO.parent.parent
