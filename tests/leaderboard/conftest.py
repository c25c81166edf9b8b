from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _fabricate import make_standard_runs


@pytest.fixture
def runs(tmp_path: Path) -> list[Path]:
    return make_standard_runs(tmp_path)
