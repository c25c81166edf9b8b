"""``mem0``: mem0ai's open-source ``Memory`` (embedded Qdrant) behind the gateway.

Per conversation: one Qdrant store and one history database under the agent-state directory,
one ``user_id`` per perspective. Each ``add`` sends a batch of turns as
``[<session date>] [<turn id>] <speaker>: <text>`` with ``metadata`` carrying the turn ids and
the session time (mem0 stores it as the memory's ``created_at``). mem0 grounds extraction on
the wall clock ("Observation/Current Date: today"); the prompt builder is wrapped so both
dates read the session's date instead (the fix of the unmerged mem0 PRs #4964/#5226).
Answers: mem0's ``search`` + memobench's reader (equal-reader protocol). mem0's open-source
SDK has no answer generation of its own, so ``answer_with="system"`` is refused.
"""

from __future__ import annotations

import contextvars
import os
import threading
from datetime import datetime
from typing import Any

from ..agents import AgentContext, Answer, Question, RetrievedItem
from ..data import Session
from ..errors import ConfigError
from ._common import (
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

#: The session date of the ``add`` running in this context (read by the prompt wrapper).
_session_date: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "memobench_mem0_date", default=None
)
_patch_lock = threading.Lock()


def _import_mem0(state_root: str) -> Any:
    """Import mem0 with its process settings: ``MEM0_DIR`` is read at import time (its default
    ``~/.mem0`` would keep state across runs), telemetry off, no OpenRouter rerouting."""
    os.environ.setdefault("MEM0_DIR", state_root)
    os.environ["MEM0_TELEMETRY"] = "False"
    os.environ.pop("OPENROUTER_API_KEY", None)  # mem0's OpenAI LLM would silently use it
    import mem0.memory.main as main
    import mem0.memory.telemetry as telemetry

    # Imported earlier by someone else, mem0 read its settings already: set them again.
    telemetry.MEM0_TELEMETRY = main.MEM0_TELEMETRY = False
    main.mem0_dir = os.environ["MEM0_DIR"]
    with _patch_lock:
        original = main.generate_additive_extraction_prompt
        if not getattr(original, "_memobench", False):

            def dated(*args: Any, **kwargs: Any) -> Any:
                date = _session_date.get()
                if date is not None:
                    kwargs.setdefault("current_date", date)
                    kwargs.setdefault("timestamp", date)
                return original(*args, **kwargs)

            dated._memobench = True  # type: ignore[attr-defined]
            main.generate_additive_extraction_prompt = dated
    return main


#: mem0's extraction reply, as its prompt's OUTPUT FORMAT and its parser (``.get("memory")``,
#: then each memory's ``text`` / ``attributed_to``) define it. The gateway constrains embedded
#: models to it when mem0 asks ``json_object`` with no schema; ``text`` is "15-80 words" there,
#: and five memories per five-turn batch keep a toy model's reply within ``max_tokens``.
REPLY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "memory": {
            "type": "array",
            "maxItems": 5,
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "maxLength": 4},
                    "text": {"type": "string", "maxLength": 400},
                    "attributed_to": {"enum": ["user", "assistant"]},
                    "linked_memory_ids": {
                        "type": "array",
                        "items": {"type": "string", "maxLength": 40},
                        "maxItems": 3,
                    },
                },
                "required": ["id", "text", "attributed_to"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["memory"],
    "additionalProperties": False,
}


class Mem0Agent:
    """See module docstring. Options: ``perspective`` (single|both), ``batch_size`` (turns per
    ``add``; it sets provenance granularity: every memory of a batch cites its turns),
    ``top_k`` (memories per perspective), ``infer`` (False stores turns verbatim)."""

    # 2: the gateway bounds the JSON embedded models write (gateway._bounds); 3: embedded
    # models write mem0's reply shape (REPLY_SCHEMA) for its schema-less JSON calls.
    version = "3"

    def __init__(
        self,
        *,
        context: AgentContext,
        perspective: Perspective = "single",
        batch_size: int = 5,
        top_k: int = 10,
        infer: bool = True,
        threshold: float = 0.0,
        answer_with: str = "reader",
    ) -> None:
        require("mem0", "mem0")
        check_choice("perspective", perspective, ("single", "both"))
        if answer_with != "reader":
            raise ConfigError(
                "mem0: answer_with must be 'reader' (the open-source SDK does not answer)"
            )
        self.context, self.perspective, self.batch_size = context, perspective, batch_size
        self.top_k, self.infer, self.threshold = top_k, infer, threshold
        self.views = views(context, perspective)
        self.lease = context.gateway()
        self.lease.json_object_schema = REPLY_SCHEMA
        self.state = fresh_state_dir(context.work_dir, "mem0")
        main = _import_mem0(str(context.work_dir.parent))
        self.memory = main.Memory.from_config(self._config())
        # mem0's Memory is not documented thread-safe: one SDK call at a time per conversation.
        self._lock = threading.Lock()

    def _config(self) -> dict[str, Any]:
        dims = self.lease.embedder.dim
        endpoint = {"api_key": self.lease.key, "openai_base_url": self.lease.base_url}
        return {
            "llm": {
                "provider": "openai",
                "config": {
                    **endpoint,
                    "model": self.lease.model_name,
                    "temperature": 0.0,
                    "max_tokens": self.lease.max_tokens_cap,
                },
            },
            "embedder": {
                "provider": "openai",
                "config": {**endpoint, "model": "embedder", "embedding_dims": dims},
            },
            "vector_store": {
                "provider": "qdrant",
                "config": {
                    "collection_name": "memories",
                    "path": str(self.state / "qdrant"),
                    "embedding_model_dims": dims,
                    "on_disk": True,
                },
            },
            "history_db_path": str(self.state / "history.db"),
        }

    def _add(self, view: View, session: Session, turns: list[Any]) -> None:
        date = session.date_time_raw
        messages = [{"role": view.role(t), "content": turn_text(t, date)} for t in turns]
        metadata = {
            "dia_ids": ",".join(t.dia_id for t in turns),
            "session_date": date,
            "created_at": session.date_time.isoformat(),
        }
        token = _session_date.set(session.date_time.date().isoformat())
        try:
            with self._lock:
                self.memory.add(messages, user_id=view.user_id, metadata=metadata, infer=self.infer)
        finally:
            _session_date.reset(token)

    async def ingest(self, session: Session, *, now: datetime) -> None:
        with self.lease.bound():
            for view in self.views:
                for turns in batches(session, self.batch_size):
                    await self.lease.run_sync(self._add, view, session, turns)

    def _search(self, query: str) -> list[RetrievedItem]:
        found: list[tuple[float, RetrievedItem]] = []
        for view in self.views:
            with self._lock:
                res = self.memory.search(
                    query,
                    filters={"user_id": view.user_id},
                    top_k=self.top_k,
                    threshold=self.threshold,
                )
            for hit in res.get("results", []):
                meta = hit.get("metadata") or {}
                ids = tuple(i for i in str(meta.get("dia_ids", "")).split(",") if i)
                date = meta.get("session_date", "")
                text = f"{date}: {hit['memory']}" if date else hit["memory"]
                score = float(hit.get("score") or 0.0)
                found.append((score, RetrievedItem(text=text, source_ids=ids, score=score)))
        # Both perspectives' memories in one list, best first (ties keep perspective order).
        found.sort(key=lambda p: -p[0])
        return [item for _, item in found]

    async def answer(self, question: Question, *, now: datetime) -> Answer:
        with self.lease.bound():
            items = await self.lease.run_sync(self._search, question.raw_text)
            return await answer_by_reader(self.context, self.lease, items, question)

    def close(self) -> None:
        with self._lock:
            close = getattr(self.memory, "close", None)
            if close is not None:
                close()
        self.lease.close()
