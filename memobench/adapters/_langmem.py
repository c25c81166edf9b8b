"""``langmem``: LangMem 0.0.30's memory store manager behind the gateway.

Per conversation: one LangGraph ``InMemoryStore`` (vectors from memobench's embedder, called
in process), one namespace per perspective; after each session its memories are written to
``agent_state/<conv>/langmem/memories.jsonl`` for inspection. Each batch of turns goes to
``create_memory_store_manager`` as messages ``[<session date>] [<turn id>] <speaker>: <text>``
(LangMem has no event time: the date is in the text only). Its extraction model is
``ChatOpenAI`` on the gateway (tool calls through trustcall; the gateway names or emulates the
tool for the local model). The memory schema is ``SourcedMemory`` (``content`` +
``source_ids``), LangMem's documented way to keep provenance: the model copies the turn ids
from the tags, and only ids of turns this agent ingested are kept. Answers: the store's
semantic search and memobench's reader (equal-reader protocol); LangMem has no answer
generation of its own, so ``answer_with="system"`` is refused.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from ..agents import AgentContext, Answer, Question, RetrievedItem
from ..data import Session, Turn
from ..errors import ConfigError
from . import _langmem_ids
from ._common import (
    SDK_TIMEOUT_S,
    Perspective,
    View,
    answer_by_reader,
    batches,
    check_choice,
    fresh_state_dir,
    require,
    turn_text,
    views,
)


class SourcedMemory(BaseModel):
    """A memory, with the ids of the conversation turns it comes from."""

    content: str = Field(description="The memory: one self-contained fact, with its date.")
    """The memory text."""
    source_ids: list[str] = Field(
        description="The ids of the turns it comes from, as tagged in the messages (e.g. D1:3)."
    )
    """Turn ids the model copied from the ``[D1:3]`` tags."""


class LangMemAgent:
    """See module docstring. Options: ``perspective`` (single|both: one namespace per
    speaker, roles mirrored), ``batch_size`` (turns per manager call; 0: one per session),
    ``top_k`` (memories retrieved per perspective), ``query_limit`` (LangMem's own search
    of existing memories before each extraction)."""

    version = "2"  # 2: the gateway bounds the JSON embedded models write (gateway._bounds)

    def __init__(
        self,
        *,
        context: AgentContext,
        perspective: Perspective = "single",
        batch_size: int = 0,
        top_k: int = 10,
        query_limit: int = 5,
        answer_with: str = "reader",
    ) -> None:
        require("langmem", "langmem")
        check_choice("perspective", perspective, ("single", "both"))
        if answer_with != "reader":
            raise ConfigError("langmem: answer_with must be 'reader' (LangMem does not answer)")
        self.context, self.perspective, self.batch_size = context, perspective, batch_size
        self.top_k = top_k
        self.views = views(context, perspective)
        self.lease = context.gateway()
        self.state = fresh_state_dir(context.work_dir, "langmem")
        self.seen: set[str] = set()
        self.store, self.manager = self._build(query_limit)

    def _build(self, query_limit: int) -> tuple[Any, Any]:
        import httpx
        import langmem.knowledge.extraction as extraction
        import trustcall._base as trustcall_base
        from langchain_openai import ChatOpenAI
        from langgraph.store.memory import InMemoryStore
        from langmem import create_memory_store_manager

        _langmem_ids.install(extraction, trustcall_base)
        embedder = self.lease.embedder
        store = InMemoryStore(index={"dims": embedder.dim, "embed": embedder.embed})
        llm = ChatOpenAI(
            model=self.lease.model_name,
            base_url=self.lease.base_url,
            api_key=self.lease.key,  # type: ignore[arg-type]
            temperature=0,
            max_tokens=self.lease.max_tokens_cap,  # type: ignore[call-arg]
            # Its own client: LangChain's shared default one would outlive this run's loop.
            # No SDK retries: the LLM layer behind the gateway retries already.
            http_async_client=httpx.AsyncClient(timeout=SDK_TIMEOUT_S),
            max_retries=0,
        )
        manager = create_memory_store_manager(
            llm,
            schemas=[SourcedMemory],
            namespace=("memories", "{memobench_namespace}"),
            store=store,
            query_limit=query_limit,
        )
        return store, manager

    async def _add(self, view: View, session: Session, turns: list[Turn], seed: str) -> None:
        date = session.date_time_raw
        messages = [{"role": view.role(t), "content": turn_text(t, date)} for t in turns]
        config = {"configurable": {"memobench_namespace": view.user_id}}
        with _langmem_ids.seeded(seed):
            await self.manager.ainvoke({"messages": messages}, config=config)
        self.seen.update(t.dia_id for t in turns)

    async def ingest(self, session: Session, *, now: datetime) -> None:
        with self.lease.bound():
            for view in self.views:
                for i, turns in enumerate(batches(session, self.batch_size)):
                    seed = f"{view.user_id}/S{session.index}/{i}"
                    await self._add(view, session, turns, seed)
        await self._dump()

    async def _dump(self) -> None:
        with open(self.state / "memories.jsonl", "w", encoding="utf-8") as fh:
            for view in self.views:
                for item in await self.store.asearch(("memories", view.user_id), limit=10_000):
                    row = {"namespace": view.user_id, "key": item.key, "value": item.value}
                    fh.write(json.dumps(row, sort_keys=True) + "\n")

    def _item(self, hit: Any) -> RetrievedItem:
        content = hit.value.get("content")
        if isinstance(content, dict):
            text = str(content.get("content", ""))
            cited = content.get("source_ids") or []
        else:
            text, cited = str(content), []
        ids = tuple(dict.fromkeys(str(i) for i in cited if str(i) in self.seen))
        score = float(hit.score) if hit.score is not None else None
        return RetrievedItem(text=text, source_ids=ids, score=score)

    async def answer(self, question: Question, *, now: datetime) -> Answer:
        with self.lease.bound():
            found: list[RetrievedItem] = []
            for view in self.views:
                hits = await self.store.asearch(
                    ("memories", view.user_id), query=question.raw_text, limit=self.top_k
                )
                found.extend(self._item(h) for h in hits)
            items = sorted(found, key=lambda i: -(i.score or 0.0))
            return await answer_by_reader(self.context, self.lease, items, question)

    def close(self) -> None:
        self.lease.close()
