"""The floor and the ceiling: ``no-memory`` and ``oracle``."""

from __future__ import annotations

from datetime import datetime

from .._util.tokens import count_tokens
from ..agents import AgentContext, Answer, DialogueContext, Question, RetrievedItem
from ..data import Session, turn_line
from ..tasks import (
    TURN_TOKENS,
    clean_turn,
    prior_session,
    turn_prompt,
    window_sessions,
)
from ._reader import context_budget, read, summarize_events_from
from ._serialize import session_header, truncate_recent


class NoMemoryAgent:
    """Answers from the question alone: the floor any memory must beat."""

    version = "1"

    def __init__(self, *, context: AgentContext) -> None:
        self.context = context

    async def ingest(self, session: Session, *, now: datetime) -> None:
        # Async although it does nothing: a sync ingest is run in a worker thread, a hand-off
        # per session before the conversation's first question.
        return None

    async def answer(self, question: Question, *, now: datetime) -> Answer:
        return Answer(text=await read(self.context, question.instruction))

    async def summarize_events(
        self, speaker: str, *, start: datetime, end: datetime, now: datetime
    ) -> str:
        """The reader's guess with no context."""
        return await summarize_events_from(self.context, "", speaker, start, end)

    async def next_turn(self, context: DialogueContext, *, now: datetime) -> str:
        """The current session so far only (LoCoMo's "previous turns" base setting)."""
        return clean_turn(
            await read(
                self.context, turn_prompt(context), max_tokens=TURN_TOKENS, continuation=True
            )
        )


class OracleAgent:
    """Reads only the gold evidence turns (with their session dates): the reader's ceiling."""

    version = "1"
    needs_gold = True

    def __init__(self, *, context: AgentContext) -> None:
        if context.gold is None:
            raise ValueError("the oracle agent needs the gold conversation")
        self.context = context
        self.gold = context.gold
        self.turns = self.gold.turn_index()
        self.evidence = {q.qa_id: q.evidence for q in self.gold.qa}

    async def ingest(self, session: Session, *, now: datetime) -> None:
        return None  # async for the same reason as NoMemoryAgent.ingest

    def evidence_context(self, qa_id: str) -> tuple[str, tuple[RetrievedItem, ...]]:
        ids = [i for i in self.evidence.get(qa_id, ()) if i in self.turns]
        blocks = []
        items: list[RetrievedItem] = []
        for session in self.gold.sessions:
            chosen = [t for t in session.turns if t.dia_id in ids]
            if chosen:
                blocks.append(
                    session_header(session) + "".join(turn_line(t) + "\n" for t in chosen)
                )
                items.extend(
                    RetrievedItem(text=turn_line(t), source_ids=(t.dia_id,)) for t in chosen
                )
        return "\n".join(blocks), tuple(items)

    async def answer(self, question: Question, *, now: datetime) -> Answer:
        text, items = self.evidence_context(question.qa_id)
        prompt = text + "\n" + question.instruction
        return Answer(text=await read(self.context, prompt), retrieved=items)

    async def summarize_events(
        self, speaker: str, *, start: datetime, end: datetime, now: datetime
    ) -> str:
        """All gold turns of the window's sessions (most recent kept under the reader budget)."""
        sessions = window_sessions(self.gold.sessions, start, end)
        text = truncate_recent(sessions, context_budget(self.context.reader_spec))
        return await summarize_events_from(self.context, text, speaker, start, end)

    async def next_turn(self, context: DialogueContext, *, now: datetime) -> str:
        """Gold transcript of the earlier sessions (never later ones), then the current one."""
        budget = context_budget(self.context.reader_spec) - count_tokens(turn_prompt(context))
        memory = truncate_recent(prior_session(context.session, self.gold.sessions), max(budget, 0))
        return clean_turn(
            await read(
                self.context,
                turn_prompt(context, memory=memory),
                max_tokens=TURN_TOKENS,
                continuation=True,
            )
        )
