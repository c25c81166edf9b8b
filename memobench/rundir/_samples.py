"""The one writer of ``samples.jsonl`` (atomic: readers see the old file or the new one)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .._util.files import atomic_write_text
from ..results import SampleRecord


def write_samples(path: Path, samples: Iterable[SampleRecord]) -> None:
    atomic_write_text(
        path,
        "".join(
            json.dumps(s.model_dump(mode="json"), sort_keys=True, ensure_ascii=False) + "\n"
            for s in samples
        ),
    )
