"""JSON Schemas of the run-directory records (generated: the pydantic models are the truth)."""

from __future__ import annotations

import json

from pydantic import BaseModel

from .._util.docschema import DocstringSchema
from ._records import AnswerRecord, RunHeader


def render_rundir_schemas() -> dict[str, str]:
    """File name → schema text for ``header.json`` and ``answers.jsonl`` lines."""
    models: dict[str, type[BaseModel]] = {
        "header.schema.json": RunHeader,
        "answer.schema.json": AnswerRecord,
    }
    return {
        name: json.dumps(
            model.model_json_schema(schema_generator=DocstringSchema),
            indent=2,
            sort_keys=True,
            ensure_ascii=False,
        )
        + "\n"
        for name, model in models.items()
    }
