"""Wrapping an external memory system (Mem0, Zep, Letta, ... style) as a memobench agent.

Run it:  memobench run --agent examples/external_memory_agent.py:ExternalMemoryAgent

A real adapter replaces ``KeywordMemoryService`` with the vendor's client (``add`` per message
with its timestamp, ``search`` per question). Three rules make the numbers trustworthy:

1. one memory namespace per conversation (memobench builds one agent per conversation);
2. pass the *dialogue* time (``now``, the session's timestamp), never the wall clock;
3. return what you retrieved with its source turn ids, so retrieval recall is scored, and
   answer with the harness's reader (``context.llm()``) so the answer step is identical across
   memory systems and every call is cached and metered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from memobench.agents import AgentContext, Answer, Question, RetrievedItem, turn_line
from memobench.data import Session
from memobench.llm import GenerateConfig, Message

version = "1"


@dataclass
class KeywordMemoryService:
    """Stand-in for a vendor memory API: stores messages, searches by word overlap."""

    namespace: str
    records: list[tuple[str, str, datetime]] = field(default_factory=list)

    def add(self, text: str, *, source_id: str, timestamp: datetime) -> None:
        self.records.append((text, source_id, timestamp))

    def search(self, query: str, *, limit: int) -> list[tuple[str, str, datetime, float]]:
        words = set(re.findall(r"\w+", query.lower()))
        scored = []
        for text, source_id, ts in self.records:
            overlap = len(words & set(re.findall(r"\w+", text.lower())))
            if overlap:
                scored.append((text, source_id, ts, float(overlap)))
        return sorted(scored, key=lambda r: -r[3])[:limit]


class ExternalMemoryAgent:
    version = "1"

    def __init__(self, *, context: AgentContext, top_k: int = 5) -> None:
        self.context = context
        self.top_k = top_k
        self.memory = KeywordMemoryService(namespace=context.conversation_id)

    def ingest(self, session: Session, *, now: datetime) -> None:
        for turn in session.turns:
            self.memory.add(turn_line(turn), source_id=turn.dia_id, timestamp=now)

    async def answer(self, question: Question, *, now: datetime) -> Answer:
        hits = self.memory.search(question.raw_text, limit=self.top_k)
        items = tuple(
            RetrievedItem(text=f"{ts:%d %B %Y}: {text}", source_ids=(sid,), score=score)
            for text, sid, ts, score in hits
        )
        prompt = "\n".join(i.text for i in items) + "\n\n" + question.instruction
        reply = await self.context.llm().complete(
            [Message(role="user", content=prompt)],
            config=GenerateConfig(max_tokens=32, temperature=0.0),
        )
        return Answer(text=reply.text.strip(), retrieved=items)
