"""``a-mem``: A-Mem (PyPI ``a-mem`` 0.2.6, import ``agentic_memory``) behind the gateway.

Per conversation and perspective: one ``AgenticMemorySystem`` with its own persistent Chroma
under the agent-state directory. Each note is ``add_note(text, time=YYYYMMDDHHMM, id=...)``:
the session time natively (A-Mem's ``timestamp``, shown to its evolution prompt as "talk
start time") and in the text ``[<session date>] [<turn id>] <speaker>: <text>``; the note id
is the turn id (or the batch's ids, comma-joined), so retrieved notes map back to turns.
A-Mem's two LLM calls per note (analysis, then evolution once the store is non-empty) go to
the gateway: its ``OpenAIController`` client is replaced by one with this instance's key and
base URL, so no process environment variable is read or set. Its embedding function (a hub
download of sentence-transformers MiniLM) is swapped for memobench's embedder while the
store is built. Answers: A-Mem's ``search_agentic`` (notes plus linked neighbours) and
memobench's reader (equal-reader protocol). The package has no answer generation of its own
(the paper's answer prompts live in its evaluation scripts), so ``answer_with="system"`` is
refused.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime
from typing import Any

from ..agents import AgentContext, Answer, Question, RetrievedItem
from ..data import Session, Turn
from ..errors import ConfigError
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

_build_lock = threading.Lock()


def _import_amem() -> Any:
    """Import A-Mem with its process settings: litellm (imported at module level, unused by
    the OpenAI backend) must not fetch its price map from the network; Chroma telemetry off."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import agentic_memory.memory_system as ms
    import agentic_memory.retrievers as retrievers

    return ms, retrievers


def note_id(turns: list[Turn]) -> str:
    """The note id: its turn ids, comma-joined (one id for the per-turn default)."""
    return ",".join(t.dia_id for t in turns)


class AMemAgent:
    """See module docstring. Options: ``perspective`` (single|both: one store per speaker,
    each turn prefixed with its role in that speaker's view), ``batch_size`` (turns per note;
    1, the paper's protocol, is one note per turn; 0 is one note per session), ``top_k``
    (notes retrieved per perspective, neighbours included), ``search`` (agentic|plain)."""

    version = "2"  # 2: the gateway bounds the JSON embedded models write (gateway._bounds)

    def __init__(
        self,
        *,
        context: AgentContext,
        perspective: Perspective = "single",
        batch_size: int = 1,
        top_k: int = 10,
        search: str = "agentic",
        answer_with: str = "reader",
    ) -> None:
        require("agentic_memory", "amem")
        check_choice("perspective", perspective, ("single", "both"))
        check_choice("search", search, ("agentic", "plain"))
        if answer_with != "reader":
            raise ConfigError(
                "a-mem: answer_with must be 'reader' (the a-mem package does not answer)"
            )
        self.context, self.perspective, self.batch_size = context, perspective, batch_size
        self.top_k, self.search = top_k, search
        self.views = views(context, perspective)
        self.lease = context.gateway()
        self.state = fresh_state_dir(context.work_dir, "a-mem")
        self.systems = [self._build(i) for i in range(len(self.views))]
        # One SDK call at a time per conversation (A-Mem's cache and Chroma client are shared).
        self._lock = threading.Lock()

    def _build(self, index: int) -> Any:
        from openai import OpenAI

        from ..llm.chroma import MemobenchEmbeddingFunction

        ms, retrievers = _import_amem()
        ef = MemobenchEmbeddingFunction(self.lease.embedder.spec)
        with _build_lock:  # the module-level name ChromaRetriever looks up, swapped briefly
            original = retrievers.SentenceTransformerEmbeddingFunction
            retrievers.SentenceTransformerEmbeddingFunction = lambda model_name=None: ef
            try:
                system = ms.AgenticMemorySystem(
                    llm_backend="openai",
                    llm_model=self.lease.model_name,
                    api_key=self.lease.key,
                    storage_path=str(self.state / f"p{index}"),
                )
            finally:
                retrievers.SentenceTransformerEmbeddingFunction = original
        # Its client was built without a base URL (it would read OPENAI_BASE_URL): replace it.
        # No SDK retries and no SDK timeout short of the runner's: the LLM layer behind the
        # gateway retries already, and a slow local model must not get duplicate requests.
        system.llm_controller.llm.client = OpenAI(
            api_key=self.lease.key,
            base_url=self.lease.base_url,
            max_retries=0,
            timeout=SDK_TIMEOUT_S,
        )
        return system

    def _content(self, view: View, session: Session, turns: list[Turn]) -> str:
        lines = []
        for t in turns:
            text = turn_text(t, session.date_time_raw)
            lines.append(f"{view.role(t)}: {text}" if view.speaker is not None else text)
        return "\n".join(lines)

    def _add(self, index: int, session: Session, turns: list[Turn]) -> None:
        content = self._content(self.views[index], session, turns)
        stamp = session.date_time.strftime("%Y%m%d%H%M")
        with self._lock:
            self.systems[index].add_note(content, time=stamp, id=note_id(turns))

    async def ingest(self, session: Session, *, now: datetime) -> None:
        with self.lease.bound():
            for index in range(len(self.views)):
                for turns in batches(session, self.batch_size):
                    await self.lease.run_sync(self._add, index, session, turns)

    def _search(self, query: str) -> list[RetrievedItem]:
        found: list[tuple[float, RetrievedItem]] = []
        for system in self.systems:
            with self._lock:
                hits = (
                    system.search_agentic(query, k=self.top_k)
                    if self.search == "agentic"
                    else system.search(query, k=self.top_k)
                )
                notes = [(hit, system.read(hit["id"])) for hit in hits]
            for hit, note in notes:
                if note is None:
                    continue
                text = note.content
                if note.context and note.context != "General":
                    text += f" (context: {note.context})"
                # Chroma distance (lower is better) → a similarity; linked neighbours have none.
                dist = hit.get("score")
                score = 1.0 / (1.0 + float(dist)) if dist is not None else None
                ids = tuple(i for i in str(hit["id"]).split(",") if i)
                item = RetrievedItem(text=text, source_ids=ids, score=score)
                found.append((score if score is not None else 0.0, item))
        found.sort(key=lambda p: -p[0])
        return [item for _, item in found]

    async def answer(self, question: Question, *, now: datetime) -> Answer:
        with self.lease.bound():
            items = await self.lease.run_sync(self._search, question.raw_text)
            return await answer_by_reader(self.context, self.lease, items, question)

    def close(self) -> None:
        self.lease.close()
