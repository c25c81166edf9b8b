from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def data_dir(locomo_path: Path) -> str:
    return str(locomo_path.parents[1])
