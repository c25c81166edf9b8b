"""The dataset-format contract check (exported from ``memobench.testing.contract``)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..data import Conversation
from ..errors import DataError
from ..registry import formats as format_registry
from ._contract_base import Problems


def check_dataset_format(
    fmt: str | Callable[[], Any], *, sample: Path | None = None, garbage: Path | None = None
) -> None:
    """Read ``sample`` (when given) into valid conversations; read garbage into a DataError."""
    name = fmt if isinstance(fmt, str) else getattr(fmt, "__name__", repr(fmt))
    reader = (format_registry.get(fmt) if isinstance(fmt, str) else fmt)()
    problems = Problems()
    if not isinstance(getattr(reader, "name", None), str):
        problems.append("name must be a str (the manifest's format)")
    elif isinstance(fmt, str) and reader.name != fmt:
        problems.append(f"name is {reader.name!r} but it is registered as {fmt!r}")
    if sample is not None:
        convs, _report = reader.read(sample)
        if not convs or not all(isinstance(c, Conversation) for c in convs):
            problems.append(f"read({sample.name}) must return a non-empty list of Conversation")
        ids = [c.sample_id for c in convs]
        if len(set(ids)) != len(ids):
            problems.append("sample_id values must be unique")
        for c in convs:
            qa_ids = [q.qa_id for q in c.qa]
            if len(set(qa_ids)) != len(qa_ids):
                problems.append(f"{c.sample_id}: qa_id values must be unique")
    with tempfile.TemporaryDirectory(prefix="mb-contract-fmt-") as tmp:
        bad = garbage or Path(tmp) / "garbage.json"
        if garbage is None:
            bad.write_text('[{"unexpected": 1}] not json', encoding="utf-8")
        try:
            reader.read(bad)
            problems.append(f"read() accepted malformed input ({bad.name}) without a DataError")
        except DataError:
            pass
        except Exception as exc:
            problems.append(f"read() of malformed input must raise DataError, raised {exc!r}")
    problems.raise_if_any("dataset format", name)
