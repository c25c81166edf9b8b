"""Building graphiti-core against the gateway: process settings, clients, one Kuzu database.

Kept apart from the adapter so the adapter reads as the protocol (what is ingested, what is
retrieved) and this module as the plumbing. Every trap here was met running graphiti-core
0.31.2 offline (see the shared reference, section 5): Kuzu has no full-text indices until
they are created explicitly, ``group_id`` must stay ``None`` with Kuzu, graphiti defaults to
temperature 1 and 16,384 output tokens, and ``OpenAIEmbedder`` truncates vectors to
``embedding_dim`` (default 1024) without telling the server.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..gateway import GatewayLease
from ._common import SDK_TIMEOUT_S


def settings() -> None:
    """Process settings graphiti reads at import: telemetry off."""
    os.environ["GRAPHITI_TELEMETRY_ENABLED"] = "false"


def single_threaded(driver: Any) -> Any:
    """``driver`` with its Kuzu connection replaced by one that runs each query on one thread.

    A multi-threaded scan returns score ties (BM25, the top-k cut after RRF) in an order that
    changes from one process to the next, so a rerun sent graphiti's model other prompts and
    paid for them again (1 of 1,798 fake-model prompts on conv-30 between two processes; none
    with one thread per query).
    """
    import kuzu

    driver.client.close()
    driver.client = kuzu.AsyncConnection(
        driver.db, max_concurrent_queries=1, max_threads_per_query=1
    )
    return driver


async def open_graph(lease: GatewayLease, db: Path, *, max_coroutines: int) -> Any:
    """A ``Graphiti`` on a fresh Kuzu file database at ``db``, its LLM and embedder pointed at
    the gateway (json_schema structured output: the gateway turns it into grammar-constrained
    JSON on the embedded llama.cpp server), temperature 0 and capped ``max_tokens``."""
    settings()
    from graphiti_core import Graphiti
    from graphiti_core.cross_encoder.openai_reranker_client import OpenAIRerankerClient
    from graphiti_core.driver.driver import GraphProvider
    from graphiti_core.driver.kuzu_driver import KuzuDriver
    from graphiti_core.embedder.openai import OpenAIEmbedder, OpenAIEmbedderConfig
    from graphiti_core.graph_queries import get_fulltext_indices
    from graphiti_core.llm_client.config import LLMConfig
    from graphiti_core.llm_client.openai_generic_client import OpenAIGenericClient
    from openai import AsyncOpenAI

    cap = lease.max_tokens_cap
    config = LLMConfig(
        api_key=lease.key,
        model=lease.model_name,
        small_model=lease.model_name,
        base_url=lease.base_url,
        temperature=0.0,
        max_tokens=cap,
    )
    # One SDK client without its own retries (the LLM layer behind the gateway retries; SDK
    # retries stacked duplicate requests on the embedded server) and with a long timeout.
    client = AsyncOpenAI(
        api_key=lease.key, base_url=lease.base_url, max_retries=0, timeout=SDK_TIMEOUT_S
    )
    llm = OpenAIGenericClient(
        config=config, client=client, max_tokens=cap, structured_output_mode="json_schema"
    )
    embedder = OpenAIEmbedder(
        config=OpenAIEmbedderConfig(
            api_key=lease.key,
            base_url=lease.base_url,
            embedding_model="embedder",
            embedding_dim=lease.embedder.dim,
        ),
        client=client,
    )
    driver = single_threaded(KuzuDriver(db=str(db)))
    graph = Graphiti(
        graph_driver=driver,
        llm_client=llm,
        embedder=embedder,
        # Pointed at the gateway too; RRF search recipes (the adapter's) never call it.
        cross_encoder=OpenAIRerankerClient(config=config, client=client),
        max_coroutines=max_coroutines,
    )
    await graph.build_indices_and_constraints()  # a no-op on Kuzu, hence:
    for query in get_fulltext_indices(GraphProvider.KUZU):
        await driver.execute_query(query)
    return graph


def close_graph(graph: Any) -> None:
    """Close the Kuzu connection and database synchronously (agents close outside a loop)."""
    driver = graph.driver
    for part in (getattr(driver, "client", None), getattr(driver, "db", None)):
        close = getattr(part, "close", None)
        if close is not None:
            close()


def utc(when: datetime) -> datetime:
    """Session times are naive (dialogue time); graphiti compares aware datetimes."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
