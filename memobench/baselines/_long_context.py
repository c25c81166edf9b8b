"""``long-context``: the whole conversation in the prompt, newest turns kept under a budget."""

from __future__ import annotations

from datetime import datetime

from .._util.tokens import count_tokens
from ..agents import AgentContext, Answer, DialogueContext, Question
from ..data import Session
from ..tasks import (
    SUMMARY_TOKENS,
    TURN_TOKENS,
    clean_turn,
    incremental_prompt,
    is_none_reply,
    load_task_spec,
    prior_session,
    turn_prompt,
    window_sessions,
)
from ._reader import ANSWER_TOKENS, context_budget, context_window, read
from ._serialize import truncate_recent

#: Tokens reserved for the question and its instruction (LoCoMo's longest QA prompts are ~100).
QUESTION_RESERVE = 200


class LongContextAgent:
    """LoCoMo's "base"/long-context setting.

    The context is built once after ingestion and is identical for every question (the
    question comes last), so a provider's prefix cache reuses it across questions.
    """

    version = "1"

    def __init__(self, *, context: AgentContext, max_context_tokens: int | None = None) -> None:
        self.context = context
        self.sessions: list[Session] = []
        self.max_context_tokens = max_context_tokens or context_window(context.reader_spec)
        self._prefix: str | None = None

    def ingest(self, session: Session, *, now: datetime) -> None:
        self.sessions.append(session)
        self._prefix = None

    def prefix(self) -> str:
        if self._prefix is None:
            a, b = self.context.speakers
            preamble = load_task_spec("qa").prompt("conv_start").render(speaker_a=a, speaker_b=b)
            budget = (
                self.max_context_tokens - ANSWER_TOKENS - QUESTION_RESERVE - count_tokens(preamble)
            )
            self._prefix = preamble + truncate_recent(self.sessions, max(budget, 0))
        return self._prefix

    async def answer(self, question: Question, *, now: datetime) -> Answer:
        prompt = self.prefix() + "\n" + question.instruction
        return Answer(text=await read(self.context, prompt))

    async def summarize_events(
        self, speaker: str, *, start: datetime, end: datetime, now: datetime
    ) -> str:
        """Incremental summarization (LoCoMo App. C.1, after BooookScore): session by session,
        the reader lists the speaker's new significant events given the running list, which
        grows by appending (a 4k reader cannot rewrite a long list each step)."""
        budget = min(self.max_context_tokens, context_budget(self.context.reader_spec))
        events: list[str] = []
        for session in window_sessions(self.sessions, start, end):
            summary = "\n".join(events)
            room = max(budget - count_tokens(summary), 256)
            prompt = incremental_prompt(
                summary, truncate_recent([session], room), speaker, session.date_time_raw
            )
            reply = await read(self.context, prompt, max_tokens=SUMMARY_TOKENS, multiline=True)
            if not is_none_reply(reply):
                events.append(reply.strip())
        return "\n".join(events)

    async def next_turn(self, context: DialogueContext, *, now: datetime) -> str:
        """The transcript of the earlier sessions only (newest kept), then the current one."""
        budget = context_budget(self.context.reader_spec) - count_tokens(turn_prompt(context))
        memory = truncate_recent(prior_session(context.session, self.sessions), max(budget, 0))
        return clean_turn(
            await read(
                self.context,
                turn_prompt(context, memory=memory),
                max_tokens=TURN_TOKENS,
                continuation=True,
            )
        )
