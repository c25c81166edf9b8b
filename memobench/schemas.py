"""Generate ``schemas/*.schema.json`` from the pydantic models (the models are the truth).

It sits above the packages that own the models (``results``, ``leaderboard``) so that neither
has to import the other to write the schemas.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from ._util import atomic_write_text
from ._util.docschema import DocstringSchema
from .leaderboard import Leaderboard
from .results import RunResults, SampleRecord


def render_schemas() -> dict[str, str]:
    """File name → JSON Schema text for results, sample records and leaderboards."""
    models: dict[str, type[BaseModel]] = {
        "results.schema.json": RunResults,
        "sample.schema.json": SampleRecord,
        "leaderboard.schema.json": Leaderboard,
    }
    from .rundir import render_rundir_schemas

    return {
        **{
            name: json.dumps(
                model.model_json_schema(schema_generator=DocstringSchema),
                indent=2,
                sort_keys=True,
                ensure_ascii=False,
            )
            + "\n"
            for name, model in models.items()
        },
        **render_rundir_schemas(),
    }


def write_schemas(directory: str | Path) -> list[Path]:
    """Write the schemas into ``directory``; return the paths written."""
    directory = Path(directory)
    written = []
    for name, text in render_schemas().items():
        atomic_write_text(directory / name, text)
        (directory / name).chmod(0o644)  # temp files are 0600; these are committed, world-readable
        written.append(directory / name)
    return written


if __name__ == "__main__":  # python -m memobench.schemas [DIR]
    import sys

    for p in write_schemas(sys.argv[1] if len(sys.argv) > 1 else "schemas"):
        print(p)
