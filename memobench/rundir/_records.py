"""Typed records of a run directory: ``header.json`` and each line of ``answers.jsonl``."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .._util.provenance import Provenance
from ..results import RunSpec

_FROZEN = ConfigDict(frozen=True)

HEADER_SCHEMA_VERSION = 1


class RunHeader(BaseModel):
    """``header.json``: what a run is, written once before any model call."""

    model_config = _FROZEN
    schema_version: int = HEADER_SCHEMA_VERSION
    """Version of this file format."""
    run_id: str
    """Unique run id."""
    config_hash: str
    """Short sha256 of ``spec``: a rerun must match it."""
    spec: RunSpec
    """What was run."""
    provenance: Provenance
    """Code and environment identity of the process that started the run."""
    smoke_test: bool = False
    """True when made with the embedded toy model: not a reportable number."""


class AnswerError(BaseModel):
    """Why an item has no answer: the agent raised, timed out or returned the wrong type."""

    model_config = _FROZEN
    type: str
    """Exception type name (``TimeoutError``, ``ConnectionError``, ``AdapterTypeError``...)."""
    message: str
    """The exception message (one line, shortened)."""
    traceback_digest: str = ""
    """The last frames of the traceback, ``file:line in function`` each, ``|``-joined."""
    attempts: int = 1
    """How many times this item (or its conversation's ingest) was tried in this process."""
    phase: str = "answer"
    """``ingest`` when the conversation's ingestion failed, else ``answer``."""


class AnswerRecord(BaseModel):
    """One line of ``answers.jsonl``: what the agent answered for one item (or why not)."""

    model_config = _FROZEN
    task: str
    """Task name."""
    item_id: str
    """Item id (``qa_id`` for QA)."""
    conversation_id: str
    """Sample id of the conversation."""
    prediction: str | None = None
    """The answer as scored (None when the item errored)."""
    retrieved: list[str] | None = None
    """Turn/session ids the agent retrieved, in rank order."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Raw reply, question shown, agent extras: kept, never scored."""
    latency_s: float | None = None
    """Wall time of the ask."""
    error: AnswerError | None = None
    """Set when the item failed; such an item scores 0 and is asked again by a rerun."""

    def to_line(self) -> str:
        """The JSON line; ``error`` is left out when unset so answered lines keep their shape."""
        data = self.model_dump(mode="json", exclude={"error"} if self.error is None else None)
        return json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"
