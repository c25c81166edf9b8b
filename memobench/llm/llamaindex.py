"""llama-index ``BaseEmbedding`` backed by ``memobench.llm.get_embedder`` (imports llama_index)."""

from __future__ import annotations

import asyncio
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from ._embed import DEFAULT_EMBEDDER, CachedEmbedder, get_embedder


class MemobenchEmbedding(BaseEmbedding):
    """``MemobenchEmbedding(spec="local:minilm")``; set as ``Settings.embed_model``."""

    spec: str = DEFAULT_EMBEDDER
    cache: bool = True
    _embedder: CachedEmbedder | None = PrivateAttr(default=None)

    def __init__(self, spec: str = DEFAULT_EMBEDDER, *, cache: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("model_name", spec)
        # Hand our embedder large batches: it sorts texts by length itself to avoid padding, which
        # only pays off when it sees many texts at once (llama-index would send 16 at a time).
        kwargs.setdefault("embed_batch_size", 2048)
        # spec/cache are pydantic fields of this subclass; llama-index types its own __init__.
        super().__init__(spec=spec, cache=cache, **kwargs)  # type: ignore[call-arg]

    @classmethod
    def class_name(cls) -> str:
        return "MemobenchEmbedding"

    @property
    def embedder(self) -> CachedEmbedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.spec, cache=self.cache)
        return self._embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.embedder.embed([query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.embedder.embed([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(texts)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return await asyncio.to_thread(self._get_query_embedding, query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return await asyncio.to_thread(self._get_text_embedding, text)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return await asyncio.to_thread(self._get_text_embeddings, texts)


__all__ = ["MemobenchEmbedding"]
