"""``rag``: retrieval over Chroma built with llama-index (LoCoMo §4 units and prompt)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from datetime import datetime
from typing import Any, Literal

from ..agents import AgentContext, Answer, DialogueContext, Question, RetrievedItem
from ..data import Session, turn_line
from ..tasks import TURN_TOKENS, clean_turn, session_indices, session_of, turn_prompt
from ._annotations import session_observations, session_summary
from ._budget import fit_ranked, room_for
from ._reader import read, summarize_events_from

Unit = Literal["dialog", "observation", "summary"]


class RagAgent:
    """Embeds retrieval units as sessions arrive; answers from the top-k by similarity.

    Units: ``dialog`` (one per turn), ``observation`` (embedded with its session date, as
    LoCoMo's ``--use-date``) and ``summary`` (one per session, id ``S<n>``). The prompt lists
    ``<session date>: <unit>`` lines in rank order, then the question (LoCoMo's RAG prompt).
    """

    version = "1"

    def __init__(
        self,
        *,
        context: AgentContext,
        unit: Unit = "dialog",
        top_k: int = 5,
        chroma_host: str | None = None,
        chroma_port: int = 8000,
    ) -> None:
        if unit not in ("dialog", "observation", "summary"):
            raise ValueError(f"unknown retrieval unit {unit!r}")
        self.context, self.unit, self.top_k = context, unit, top_k
        self.chroma_host, self.chroma_port = chroma_host, chroma_port
        self._index: Any = None
        self._pending: list[Any] = []
        self._flush_lock = threading.Lock()
        self._summaries: list[tuple[str, str]] = []
        self._lock = asyncio.Lock()

    def _collection_name(self) -> str:
        safe = re.sub(r"[^A-Za-z0-9_-]", "-", self.context.conversation_id)
        return f"mb-{safe}-{self.unit}"[:60]

    def _build_index(self) -> Any:
        import chromadb
        from llama_index.core import StorageContext, VectorStoreIndex
        from llama_index.vector_stores.chroma import ChromaVectorStore

        from ..llm.llamaindex import MemobenchEmbedding

        if self.chroma_host:
            client = chromadb.HttpClient(host=self.chroma_host, port=self.chroma_port)
        else:
            path = self.context.work_dir / "chroma"
            path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(path))
        name = self._collection_name()
        # A fresh collection per run: a resumed run re-ingests (embeddings come from the cache).
        with contextlib.suppress(Exception):
            client.delete_collection(name)
        collection = client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"})
        store = ChromaVectorStore(chroma_collection=collection)
        storage = StorageContext.from_defaults(vector_store=store)
        embed = MemobenchEmbedding(self.context.embedder_spec)
        return VectorStoreIndex(nodes=[], storage_context=storage, embed_model=embed)

    async def _units(self, session: Session) -> list[tuple[str, str, str, tuple[str, ...]]]:
        """(node id, embedded text, shown text, source ids) for one session."""
        date = session.date_time_raw
        if self.unit == "dialog":
            return [(f"{t.dia_id}", turn_line(t), turn_line(t), (t.dia_id,)) for t in session.turns]
        if self.unit == "observation":
            obs = await session_observations(self.context, session)
            return [
                (f"S{session.index}-o{k}", f"{date}. {o.text}", o.text, o.evidence)
                for k, o in enumerate(obs)
            ]
        text = await session_summary(self.context, session, self._summaries)
        self._summaries.append((date, text))
        return [(f"S{session.index}", text, text, (f"S{session.index}",))]

    async def ingest(self, session: Session, *, now: datetime) -> None:
        from llama_index.core.schema import TextNode

        units = await self._units(session)
        nodes = [
            TextNode(
                id_=f"{self.context.conversation_id}:{uid}",
                text=embedded,
                metadata={"shown": shown, "date": session.date_time_raw, "ids": ",".join(ids)},
                excluded_embed_metadata_keys=["shown", "date", "ids"],
                excluded_llm_metadata_keys=["shown", "date", "ids"],
            )
            for uid, embedded, shown, ids in units
        ]
        async with self._lock:
            self._pending.extend(nodes)

    def flush(self) -> None:
        """Index every pending unit now.

        Units are buffered and indexed in one go before the first retrieval after ingestion:
        full embedding batches and one Chroma insert instead of one small batch per session
        (measured: about half the build time on locomo10, benchmarks/bench_runner.py).
        """
        with self._flush_lock:
            if self._index is None:
                self._index = self._build_index()
            if self._pending:
                nodes, self._pending = self._pending, []
                self._index.insert_nodes(nodes)

    def retrieve(self, query: str, top_k: int | None = None) -> tuple[RetrievedItem, ...]:
        self.flush()
        hits = self._index.as_retriever(similarity_top_k=top_k or self.top_k).retrieve(query)
        return tuple(
            RetrievedItem(
                text=f"{h.node.metadata['date']}: {h.node.metadata['shown']}",
                source_ids=tuple(i for i in h.node.metadata["ids"].split(",") if i),
                score=h.score,
            )
            for h in hits
        )

    async def answer(self, question: Question, *, now: datetime) -> Answer:
        # The query is the raw question (LoCoMo embeds it without the category additions).
        items = await asyncio.to_thread(self.retrieve, question.raw_text)
        joiner = "\n\n" if self.unit == "summary" else "\n"
        # Top-ranked units first, cut to the reader's window (BEAM turns run to 1k+ tokens).
        room = room_for(self.context.reader_spec, question.instruction)
        context = fit_ranked([i.text for i in items], room, sep=joiner)
        return Answer(
            text=await read(self.context, context + "\n\n" + question.instruction), retrieved=items
        )

    def _filtered(self, query: str, keep: Any, k: int) -> tuple[RetrievedItem, ...]:
        """Top ``k`` units whose every source session passes ``keep`` (over-fetch, then filter)."""
        hits = self.retrieve(query, top_k=4 * k)
        ok = [h for h in hits if h.source_ids and all(keep(session_of(i)) for i in h.source_ids)]
        return tuple(ok[:k])

    async def summarize_events(
        self, speaker: str, *, start: datetime, end: datetime, now: datetime
    ) -> str:
        """Retrieves units about the speaker's life events within the window, then summarizes."""
        known = self.context.annotations.sessions if self.context.annotations else None
        window = session_indices(known, start, end)
        query = f"{speaker}'s significant life events and milestones"
        items = await asyncio.to_thread(
            self._filtered, query, lambda n: window is None or n in window, 2 * self.top_k
        )
        context = "\n".join(i.text for i in items)
        return await summarize_events_from(self.context, context, speaker, start, end)

    async def next_turn(self, context: DialogueContext, *, now: datetime) -> str:
        """Retrieves with the last turn (or the caption) as query, from earlier sessions only."""
        turns = context.session.turns
        query = turn_line(turns[-1]) if turns else (context.image_caption or context.speaker)
        current = context.session.index
        items = await asyncio.to_thread(
            self._filtered, query, lambda n: n is not None and n < current, self.top_k
        )
        memory = "\n".join(i.text for i in items)
        return clean_turn(
            await read(
                self.context,
                turn_prompt(context, memory=memory),
                max_tokens=TURN_TOKENS,
                continuation=True,
            )
        )
