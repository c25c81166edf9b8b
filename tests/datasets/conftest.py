"""The real BEAM and Locomo-Plus files from the shared data directory (never committed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def data_dir() -> Path:
    env = os.environ.get("MEMOBENCH_DATA_DIR")
    base = Path(env) if env else REPO.parent / "shared" / "datasets"
    if not (base / "beam" / "100K").is_dir() or not (base / "locomo_plus").is_dir():
        pytest.skip(f"BEAM/Locomo-Plus not found under {base}; set MEMOBENCH_DATA_DIR")
    return base


@pytest.fixture(scope="session")
def beam(data_dir: Path):  # type: ignore[no-untyped-def]
    from memobench.datasets import load_dataset

    return load_dataset("beam-100k", data_path=data_dir)


@pytest.fixture(scope="session")
def locomo_plus(data_dir: Path):  # type: ignore[no-untyped-def]
    from memobench.datasets import load_dataset

    return load_dataset("locomo-plus", data_path=data_dir)
