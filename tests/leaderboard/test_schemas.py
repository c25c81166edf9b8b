from __future__ import annotations

import json
from pathlib import Path

import pytest

from memobench.leaderboard import build_leaderboard
from memobench.schemas import render_schemas, write_schemas

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def test_committed_schemas_match_models():
    for name, text in render_schemas().items():
        committed = SCHEMAS / name
        assert committed.is_file(), f"{committed} missing: python -m memobench.schemas"
        assert committed.read_text(encoding="utf-8") == text, (
            f"{committed} drifted from the pydantic models; regenerate with "
            "python -m memobench.schemas schemas"
        )


def test_write_schemas(tmp_path):
    written = write_schemas(tmp_path)
    assert sorted(p.name for p in written) == [
        "answer.schema.json",
        "header.schema.json",
        "leaderboard.schema.json",
        "results.schema.json",
        "sample.schema.json",
    ]


def test_built_leaderboard_and_runs_validate(tmp_path, runs):
    jsonschema = pytest.importorskip("jsonschema")
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=100)
    schema = json.loads((SCHEMAS / "leaderboard.schema.json").read_text())
    jsonschema.validate(json.loads(board.model_dump_json()), schema)
    results_schema = json.loads((SCHEMAS / "results.schema.json").read_text())
    sample_schema = json.loads((SCHEMAS / "sample.schema.json").read_text())
    for run in runs:
        jsonschema.validate(json.loads((run / "results.json").read_text()), results_schema)
        for line in (run / "samples.jsonl").read_text().splitlines():
            jsonschema.validate(json.loads(line), sample_schema)
    broken = json.loads(board.model_dump_json())
    del broken["entries"][0]["run_id"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
