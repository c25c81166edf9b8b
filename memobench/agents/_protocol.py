"""The adapter interface every memory system implements (baselines included).

One agent instance serves one conversation. The runner calls ``ingest`` once per session in
chronological order with the session's own timestamp as ``now`` (a simulated clock: agents
must never read the wall clock for dialogue time), then ``answer`` for each question. Methods
may be plain or ``async``; the runner awaits whatever comes back.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from ..data import Session

_FROZEN = ConfigDict(frozen=True)


class Question(BaseModel):
    """A redacted question: never the gold answer, the evidence or the category."""

    model_config = _FROZEN
    qa_id: str
    """Stable id, e.g. ``conv-26:q0``."""
    text: str
    """The question as the task presents it (LoCoMo protocol: with the date hint or the
    two-option form appended where LoCoMo appends them; ``blind`` protocol: verbatim)."""
    raw_text: str
    """The question exactly as written in the dataset (what retrievers should embed)."""
    instruction: str
    """The task's full answer instruction for this question (LoCoMo's QA prompt with the
    question filled in). Agents that use the harness reader append it after their context."""
    asked_at: datetime
    """Dialogue time at which it is asked (after the last session)."""


class RetrievedItem(BaseModel):
    """A memory the agent used, traced back to source turns so recall can be scored."""

    model_config = _FROZEN
    text: str
    """The memory text as given to the reader."""
    source_ids: tuple[str, ...] = ()
    """Turn ids (``D3:5``) or session ids (``S3``) it comes from."""
    score: float | None = None
    """Retriever score, if any."""


class Answer(BaseModel):
    """What the agent answered."""

    model_config = _FROZEN
    text: str
    """The answer."""
    retrieved: tuple[RetrievedItem, ...] | None = None
    """Memories used, in rank order; None when the agent does not retrieve."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Anything worth logging (kept in the run files, never scored)."""

    def retrieved_ids(self) -> tuple[str, ...] | None:
        if self.retrieved is None:
            return None
        return tuple(i for item in self.retrieved for i in item.source_ids)


class DialogueContext(BaseModel):
    """For the dialogue-generation task: the session so far and who speaks next."""

    model_config = _FROZEN
    session: Session
    """The current session, truncated to the turns before the one to generate."""
    speaker: str
    """Who speaks next."""
    listener: str
    """The other speaker."""
    image_caption: str | None = None
    """Caption of the image the gold turn shares (text-only stand-in), if any."""


@runtime_checkable
class MemoryAgent(Protocol):
    """The minimal adapter: ingest sessions, answer questions."""

    def ingest(self, session: Session, *, now: datetime) -> Awaitable[None] | None:
        """Remember one session."""
        ...

    def answer(self, question: Question, *, now: datetime) -> Answer | Awaitable[Answer]:
        """Answer from memory."""
        ...


@runtime_checkable
class SummarizesEvents(Protocol):
    """Optional hook for the event-summarization task."""

    def summarize_events(
        self, speaker: str, *, start: datetime, end: datetime, now: datetime
    ) -> str | Awaitable[str]:
        """Significant life events of ``speaker`` between ``start`` and ``end``."""
        ...


@runtime_checkable
class GeneratesTurns(Protocol):
    """Optional hook for the dialogue-generation task."""

    def next_turn(self, context: DialogueContext, *, now: datetime) -> str | Awaitable[str]:
        """The next utterance of ``context.speaker``."""
        ...
