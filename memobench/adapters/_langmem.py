"""``langmem``: LangMem 0.0.30's memory store manager behind the gateway.

Per conversation: one LangGraph ``InMemoryStore`` (vectors from memobench's embedder, called
in process), one namespace per perspective; after each session its memories are written to
``agent_state/<conv>/langmem/memories.jsonl`` for inspection. Each batch of turns goes to
``create_memory_store_manager`` as messages ``[<session date>] [<turn id>] <speaker>: <text>``
(LangMem has no event time: the date is in the text only). Its extraction model is
``ChatOpenAI`` on the gateway (tool calls through trustcall; the gateway names or emulates the
tool for the local model). The memory schema is ``SourcedMemory`` (``content`` +
``source_ids``), LangMem's documented way to keep provenance: the model copies the turn ids
from the tags, and only ids of turns this agent ingested are kept. On an embedded ``local:``
model (``source_ids_enum="auto"``) the tool's ``source_ids`` items are an ``enum`` of the turn
ids ingested so far, which the gateway's grammar enforces: a toy model otherwise writes ids it
made up (``1:1``, ``type_of_source_id``) and recall measures nothing. Answers: the store's
semantic search and memobench's reader (equal-reader protocol); LangMem has no answer
generation of its own, so ``answer_with="system"`` is refused.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, create_model

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


def sourced_memory(turn_ids: Sequence[str]) -> type[BaseModel]:
    """``SourcedMemory`` whose ``source_ids`` may only name ``turn_ids`` (an ``enum`` in its
    JSON schema, so in the tool the model is offered; the name stays, so do the prompts)."""
    ids = list(dict.fromkeys(turn_ids))
    field = SourcedMemory.model_fields["source_ids"]
    extra: dict[str, Any] = {"items": {"type": "string", "enum": ids}}
    model: type[BaseModel] = create_model(
        "SourcedMemory",
        __doc__=SourcedMemory.__doc__,
        content=(str, SourcedMemory.model_fields["content"]),
        source_ids=(
            list[str],
            Field(
                description=field.description,
                json_schema_extra=extra,
            ),
        ),
    )
    return model


class LangMemAgent:
    """See module docstring. Options: ``perspective`` (single|both: one namespace per
    speaker, roles mirrored), ``batch_size`` (turns per manager call; 0: one per session),
    ``top_k`` (memories retrieved per perspective), ``query_limit`` (LangMem's own search
    of existing memories before each extraction), ``queries`` (how that search is made:
    windows, LangMem's default, embeds spans of the new messages | model: LangMem's
    ``query_model``, the model writes the search queries as ``search_memory`` tool calls, one
    more ingest call per extraction), ``source_ids_enum`` (auto: on embedded models only |
    always | never)."""

    # 2: the gateway bounds the JSON embedded models write (gateway._bounds)
    # 3: source_ids an enum of the ingested turn ids on embedded models
    version = "3"

    def __init__(
        self,
        *,
        context: AgentContext,
        perspective: Perspective = "single",
        batch_size: int = 0,
        top_k: int = 10,
        query_limit: int = 5,
        queries: str = "windows",
        answer_with: str = "reader",
        source_ids_enum: str = "auto",
    ) -> None:
        require("langmem", "langmem")
        check_choice("perspective", perspective, ("single", "both"))
        check_choice("source_ids_enum", source_ids_enum, ("auto", "always", "never"))
        check_choice("queries", queries, ("windows", "model"))
        if answer_with != "reader":
            raise ConfigError("langmem: answer_with must be 'reader' (LangMem does not answer)")
        self.context, self.perspective, self.batch_size = context, perspective, batch_size
        self.top_k = top_k
        self.views = views(context, perspective)
        self.lease = context.gateway()
        self.state = fresh_state_dir(context.work_dir, "langmem")
        self.seen: dict[str, None] = {}
        """Ingested turn ids, in ingest order (the enum, when there is one)."""
        self.enum_ids = source_ids_enum == "always" or (
            source_ids_enum == "auto" and self.lease.default_spec.startswith("local:")
        )
        self.query_limit, self.queries = query_limit, queries
        self.store, self.llm = self._build()
        self.manager = self._manager(SourcedMemory)

    def _build(self) -> tuple[Any, Any]:
        import httpx
        import langmem.knowledge.extraction as extraction
        import trustcall._base as trustcall_base
        from langchain_openai import ChatOpenAI
        from langgraph.store.memory import InMemoryStore

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
        return store, llm

    def _manager(self, schema: type[BaseModel]) -> Any:
        from langmem import create_memory_store_manager

        return create_memory_store_manager(
            self.llm,
            schemas=[schema],
            namespace=("memories", "{memobench_namespace}"),
            store=self.store,
            query_limit=self.query_limit,
            # The same gateway model: its search calls are cached and metered under ingest.
            query_model=self.llm if self.queries == "model" else None,
        )

    async def _add(self, view: View, session: Session, turns: list[Turn], seed: str) -> None:
        date = session.date_time_raw
        messages = [{"role": view.role(t), "content": turn_text(t, date)} for t in turns]
        config = {"configurable": {"memobench_namespace": view.user_id}}
        manager = self.manager
        if self.enum_ids:
            # Ids already in the store stay valid when LangMem rewrites an old memory.
            ids = [*self.seen, *(t.dia_id for t in turns)]
            manager = self._manager(sourced_memory(ids))
        with _langmem_ids.seeded(seed):
            await manager.ainvoke({"messages": messages}, config=config)
        self.seen.update(dict.fromkeys(t.dia_id for t in turns))

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
