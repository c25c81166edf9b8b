"""``summary``: chronological summarization memory (ReBot / LoCoMo incremental summaries)."""

from __future__ import annotations

from datetime import datetime

from .._util.tokens import count_tokens
from ..agents import AgentContext, Answer, DialogueContext, Question
from ..data import Session
from ..tasks import (
    TURN_TOKENS,
    clean_turn,
    session_indices,
    turn_prompt,
)
from ._annotations import session_summary
from ._reader import ANSWER_TOKENS, context_budget, context_window, read, summarize_events_from
from ._serialize import fit_recent


class SummaryAgent:
    """After each session, writes a dated summary of it given the earlier ones; answers from
    the ordered, dated summaries."""

    version = "1"

    def __init__(self, *, context: AgentContext, use_dataset_summaries: bool = False) -> None:
        self.context = context
        self.use_dataset_summaries = use_dataset_summaries
        self.summaries: list[tuple[int, str, str]] = []

    async def ingest(self, session: Session, *, now: datetime) -> None:
        previous = [(d, s) for _, d, s in self.summaries]
        text = await session_summary(
            self.context, session, previous, use_dataset=self.use_dataset_summaries
        )
        self.summaries.append((session.index, session.date_time_raw, text))

    async def answer(self, question: Question, *, now: datetime) -> Answer:
        # All summaries, newest kept when they outgrow the reader's window.
        budget = context_window(self.context.reader_spec) - ANSWER_TOKENS - 200
        budget -= count_tokens(question.instruction)
        memory = self._memory(None, max(budget, 0))
        # Not a retriever: every summary is read, so no retrieval recall is reported.
        return Answer(text=await read(self.context, memory + "\n\n" + question.instruction))

    def _memory(self, keep: set[int] | None, budget: int) -> str:
        blocks = [f"{d}: {s}" for i, d, s in self.summaries if keep is None or i in keep]
        return fit_recent(blocks, budget)

    async def summarize_events(
        self, speaker: str, *, start: datetime, end: datetime, now: datetime
    ) -> str:
        """Summarizes the events from its session summaries of the window."""
        known = self.context.annotations.sessions if self.context.annotations else None
        memory = self._memory(
            session_indices(known, start, end), context_budget(self.context.reader_spec)
        )
        return await summarize_events_from(self.context, memory, speaker, start, end)

    async def next_turn(self, context: DialogueContext, *, now: datetime) -> str:
        """Summaries of the earlier sessions only, then the current session so far."""
        earlier = {i for i, _, _ in self.summaries if i < context.session.index}
        budget = context_budget(self.context.reader_spec) - count_tokens(turn_prompt(context))
        memory = self._memory(earlier, max(budget, 0))
        return clean_turn(
            await read(
                self.context,
                turn_prompt(context, memory=memory),
                max_tokens=TURN_TOKENS,
                continuation=True,
            )
        )
