"""Chroma embedding function backed by ``memobench.llm.get_embedder`` (imports chromadb).

Importing this module registers the EF with Chroma under ``memobench``, so a persisted
collection reopened in another process/client finds it by name.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from ._embed import DEFAULT_EMBEDDER, CachedEmbedder, get_embedder


@register_embedding_function
class MemobenchEmbeddingFunction(EmbeddingFunction[Documents]):
    """``MemobenchEmbeddingFunction(spec="local:minilm", cache=True)``."""

    def __init__(self, spec: str = DEFAULT_EMBEDDER, *, cache: bool = True) -> None:
        self.spec = spec
        self.cache = cache
        self._embedder: CachedEmbedder | None = None

    @property
    def embedder(self) -> CachedEmbedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.spec, cache=self.cache)
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        return [np.asarray(v, dtype=np.float32) for v in self.embedder.embed(list(input))]

    @staticmethod
    def name() -> str:
        return "memobench"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    def get_config(self) -> dict[str, Any]:
        # Only the spec: no paths, no keys (openai keys come from the environment).
        return {"spec": self.spec, "cache": self.cache}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MemobenchEmbeddingFunction:
        return MemobenchEmbeddingFunction(
            config.get("spec", DEFAULT_EMBEDDER), cache=bool(config.get("cache", True))
        )

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        if not isinstance(config.get("spec", DEFAULT_EMBEDDER), str):
            raise ValueError("memobench embedding function config needs a string 'spec'")


__all__ = ["MemobenchEmbeddingFunction"]
