"""The committed run-directory schemas validate the files a real run writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from memobench.rundir import AnswerError, AnswerRecord, RunDir, render_rundir_schemas
from memobench.runner import RunConfig, Runner

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def test_committed_rundir_schemas_match_models() -> None:
    for name, text in render_rundir_schemas().items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == text, f"{name} drifted"


def test_real_run_files_validate(tmp_path: Path, locomo_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from memobench.llm import MockBackend

    MockBackend.script("reader", lambda prompt: "7 May 2023")
    try:
        cfg = RunConfig(
            agent="no-memory",
            model="mock:reader",
            data_path=str(locomo_path.parents[1]),
            conversations=("conv-30",),
            limit=4,
            out=tmp_path / "run",
            progress=False,
        )
        Runner(cfg).run()
    finally:
        MockBackend.reset()
    rd = RunDir(tmp_path / "run")
    header = json.loads(rd.header.read_text())
    jsonschema.validate(header, json.loads((SCHEMAS / "header.schema.json").read_text()))
    answer_schema = json.loads((SCHEMAS / "answer.schema.json").read_text())
    err = AnswerError(type="TimeoutError", message="slow")
    lines = rd.answers.read_text().splitlines()
    lines.append(AnswerRecord(task="qa", item_id="x", conversation_id="c", error=err).to_line())
    assert len(lines) == 5
    for line in lines:
        jsonschema.validate(json.loads(line), answer_schema)
