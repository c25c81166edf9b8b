"""Embeddings: ONNX MiniLM, cache, openai embedder (fake server), Chroma and llama-index."""

from __future__ import annotations

import math

import pytest

from memobench.llm import get_embedder
from memobench.testing import FakeOpenAIServer


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


@pytest.fixture(scope="module")
def minilm():
    return get_embedder("local:minilm", cache=False)


def test_minilm_unit_vectors_and_similarity(minilm):
    texts = [
        "I went to a LGBTQ support group yesterday.",
        "Yesterday I attended a support group for LGBTQ people.",
        "The stock market fell sharply on Tuesday.",
    ]
    vecs = minilm.embed(texts)
    assert minilm.dim == 384
    assert all(len(v) == 384 for v in vecs)
    assert all(math.isclose(math.sqrt(_cos(v, v)), 1.0, abs_tol=1e-4) for v in vecs)
    assert _cos(vecs[0], vecs[1]) > _cos(vecs[0], vecs[2]) + 0.3


def test_minilm_batching_keeps_order(minilm):
    texts = [("word " * (i % 7 + 1)) + str(i) for i in range(40)]
    batched = minilm.embed(texts)
    single = [minilm.embed([t])[0] for t in texts[:5]]
    for a, b in zip(batched[:5], single, strict=True):
        assert _cos(a, b) > 0.9999


def test_embedding_cache_hits():
    emb = get_embedder("local:minilm")
    first = emb.embed(["alpha beta", "gamma delta", "alpha beta"])
    assert emb.misses == 2
    again = get_embedder("local:minilm").embed(["gamma delta", "alpha beta"])
    assert again[0] == pytest.approx(first[1], abs=1e-6)
    stats = emb.cache.stats()
    assert stats["by_model"][0]["kind"] == "embedding" and stats["entries"] == 2


def test_openai_embedder_via_fake_server():
    with FakeOpenAIServer(embedding_dim=8) as srv:
        emb = get_embedder("openai:text-embedding-3-small", base_url=srv.base_url)
        vecs = emb.embed(["a b", "c d e"])
        assert [len(v) for v in vecs] == [8, 8]
        emb.embed(["a b"])  # cached
        assert srv.stats.by_path["/v1/embeddings"] == 1
        assert srv.stats.prompt_tokens == 5


def test_chroma_ef_survives_reopen(tmp_path):
    import chromadb
    from chromadb.api.client import SharedSystemClient

    from memobench.llm.chroma import MemobenchEmbeddingFunction

    path = str(tmp_path / "chroma")
    client = chromadb.PersistentClient(path=path)
    col = client.create_collection("turns", embedding_function=MemobenchEmbeddingFunction())
    col.add(
        ids=["1", "2", "3"],
        documents=[
            "Caroline went to the LGBTQ support group.",
            "Melanie painted a sunrise over the lake.",
            "The recipe needs two eggs and flour.",
        ],
    )
    del col, client
    SharedSystemClient.clear_system_cache()

    reopened = chromadb.PersistentClient(path=path).get_collection("turns")
    ef = reopened.configuration.get("embedding_function")
    assert isinstance(ef, MemobenchEmbeddingFunction), ef
    res = reopened.query(query_texts=["Who attended a support group?"], n_results=1)
    assert res["ids"][0] == ["1"]
    assert reopened.configuration["hnsw"]["space"] == "cosine"


def test_llamaindex_adapter(minilm):
    from memobench.llm.llamaindex import MemobenchEmbedding

    emb = MemobenchEmbedding("local:minilm")
    q = emb.get_query_embedding("hello world")
    docs = emb.get_text_embedding_batch(["hello world", "goodbye moon"])
    assert len(q) == 384 and len(docs) == 2
    assert _cos(q, docs[0]) > 0.999
    assert _cos(q, minilm.embed(["hello world"])[0]) > 0.999
