"""graphiti's options on a few real LoCoMo turns, agent driven directly (real graphiti-core,
real Kuzu, the gateway, MiniLM): per-turn provenance, both perspectives, Zep's answer prompt,
and window routing of graphiti's own calls to a long-context model."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("graphiti_core") is None or importlib.util.find_spec("kuzu") is None,
    reason="the graphiti extra is not installed: pip install 'memobench[graphiti]'",
)

from graphiti_fake import GraphitiFake, fake_server  # noqa: E402

from memobench.agents import AgentContext, Question  # noqa: E402
from memobench.errors import ConfigError  # noqa: E402
from memobench.llm import Meter, phase, use_meter  # noqa: E402

SMALL, BIG = "openai:fake-small", "openai:fake-big"


def _sessions(locomo: Any, n_turns: int = 3) -> tuple[Any, list[Any]]:
    """conv-30's first two sessions, cut to their first ``n_turns`` turns."""
    conv = next(c for c in locomo.conversations if c.sample_id == "conv-30")
    return conv, [s.model_copy(update={"turns": s.turns[:n_turns]}) for s in conv.sessions[:2]]


def _agent(
    srv: Any,
    tmp_path: Path,
    reader: str = "openai:fake-model",
    llm: dict[str, Any] | None = None,
    **options: Any,
) -> Any:
    from memobench.adapters import GraphitiAgent

    context = AgentContext(
        conversation_id="conv-30",
        speakers=("Jon", "Gina"),
        reader_spec=reader,
        work_dir=tmp_path / "conv-30",
        llm_options={"base_url": srv.base_url, **(llm or {})},
    )
    return GraphitiAgent(context=context, **options)


def _question(text: str, when: Any) -> Question:
    return Question(qa_id="q0", text=text, raw_text=text, instruction="Answer:", asked_at=when)


def _drive(agent: Any, sessions: list[Any], question: str, meter: Meter) -> Any:
    async def main() -> Any:
        with use_meter(meter):
            with phase("ingest"):
                for s in sessions:
                    await agent.ingest(s, now=s.date_time)
            with phase("answer"):
                last = sessions[-1].date_time
                return await agent.answer(_question(question, last), now=last)

    try:
        return asyncio.run(main())
    finally:
        agent.close()


def test_per_turn_episodes_map_each_fact_to_its_own_turn_in_both_perspectives(
    tmp_path: Path, locomo: Any
) -> None:
    _, sessions = _sessions(locomo)
    turns = [t for s in sessions for t in s.turns]
    fake, reads = GraphitiFake(), []
    with fake_server(fake, reads) as srv:
        agent = _agent(srv, tmp_path, perspective="both", top_k_edges=20)
        answer = _drive(agent, sessions, turns[0].text, Meter())
    # Both perspectives extracted every turn: one graph each, twice the extraction calls.
    extractions = [p for n, _, p in fake.schema_calls() if n == "ExtractedEntities"]
    assert len(extractions) == 2 * len(turns)
    assert sum("is Jon's memory of talking with Gina" in p for p in extractions) == len(turns)
    assert sum("is Gina's memory of talking with Jon" in p for p in extractions) == len(turns)
    assert sorted(p.name for p in (tmp_path / "conv-30" / "graphiti").iterdir()) == [
        "0.kuzu",
        "1.kuzu",
    ]
    # One episode per turn: each fact (the turn's first line) carries exactly its turn id.
    by_id = {t.dia_id: f"{t.speaker}: {t.text}" for t in turns}
    facts = [i for i in answer.retrieved if i.source_ids]
    assert len(facts) >= len(turns)
    for item in facts:
        assert len(item.source_ids) == 1
        assert item.text.startswith(by_id[item.source_ids[0]].splitlines()[0][:40])
    # The asked turn's own fact ranks first; the date travels with each fact.
    assert facts[0].source_ids == (turns[0].dia_id,)
    assert f"(said on {sessions[0].date_time.date().isoformat()})" in facts[0].text
    assert answer.extra["answered_by"] == "memobench-reader"
    assert reads and turns[0].text[:40] in reads[-1]


def test_system_answers_use_zeps_layout_and_are_labelled(tmp_path: Path, locomo: Any) -> None:
    _, sessions = _sessions(locomo, n_turns=2)
    fake, reads = GraphitiFake(), []
    with fake_server(fake, reads) as srv:
        answer = _drive(
            _agent(srv, tmp_path, answer_with="system"), sessions, "What did Jon do?", Meter()
        )
    assert answer.extra["answered_by"] == "zep-locomo-prompt"
    assert "<FACTS>" in reads[-1] and "<ENTITIES>" in reads[-1] and "event_time" in reads[-1]
    assert reads[-1].rstrip().endswith("Question: What did Jon do?\nAnswer:")
    with pytest.raises(ConfigError, match="answer_with"), fake_server(fake, reads) as srv:
        _agent(srv, tmp_path, answer_with="graphiti")


def test_graphitis_long_calls_go_to_the_long_context_model_and_the_run_records_it(
    tmp_path: Path, locomo: Any
) -> None:
    _, sessions = _sessions(locomo, n_turns=2)
    fake, reads = GraphitiFake(), []
    meter = Meter()
    with fake_server(fake, reads) as srv:
        agent = _agent(
            srv,
            tmp_path,
            reader=SMALL,
            # graphiti's prompts are ~1.5K tokens or more; the reader's are far shorter.
            context_windows={SMALL: 1_200, BIG: 32_768},
            long_context_models=[BIG],
        )
        answer = _drive(agent, sessions, "What did Jon do?", meter)
        # Every graphiti call was too long for the small window; the reader's short prompt
        # (memobench's own call, not graphiti's) stayed on the small model.
        n = srv.stats.models["fake-big"]
        assert n >= 2 * len([t for s in sessions for t in s.turns])
        assert dict(srv.stats.models) == {"fake-big": n, "fake-small": 1}
    assert {m for _, m, _ in fake.schema_calls()} == {"fake-big"}
    # graphiti's defaults (temperature 1, 16,384 tokens) never reach the model.
    assert fake.sampling and all(t == 0 and 0 < m <= 1024 for t, m in fake.sampling)
    rows = {(r.phase, r.model): r for r in meter.report().rows}
    assert rows[("ingest", BIG)].calls == n
    assert ("ingest", SMALL) not in rows
    assert rows[("answer", SMALL)].calls == 1
    served = rows[("ingest", BIG)].calls + rows[("ingest", BIG)].cache_hits
    assert answer.extra["served"] == {BIG: served}
    assert answer.extra["routed"] == {f"{SMALL} -> {BIG}": served}


def test_on_the_embedded_servers_wire_format_graphiti_gets_schema_constrained_json(
    tmp_path: Path, locomo: Any
) -> None:
    """The embedded llama.cpp server rejects ``json_schema``; through the gateway every graphiti
    call arrives as ``json_object`` + schema (grammar-constrained there), and still parses."""
    _, sessions = _sessions(locomo, n_turns=2)
    fake, reads = GraphitiFake(), []
    with fake_server(fake, reads) as srv:
        agent = _agent(srv, tmp_path, llm={"dialect": "llama_cpp"})
        answer = _drive(agent, sessions[:1], sessions[0].turns[1].text, Meter())
    assert fake.formats and set(fake.formats) == {"json_object+schema"}
    assert {n for n, _, _ in fake.schema_calls()} >= {"ExtractedEntities", "ExtractedEdges"}
    facts = [i for i in answer.retrieved if i.source_ids]
    assert facts[0].source_ids == (sessions[0].turns[1].dia_id,)


def test_graphitis_sdk_clients_leave_retries_to_the_llm_layer(tmp_path: Path, locomo: Any) -> None:
    """SDK-side retries stacked duplicate requests on the embedded server (notes): the LLM,
    embedder and reranker share one client with none, and a long timeout."""
    from memobench.adapters._common import SDK_TIMEOUT_S

    _, sessions = _sessions(locomo, n_turns=2)
    fake, reads = GraphitiFake(), []
    with fake_server(fake, reads) as srv:
        agent = _agent(srv, tmp_path)
        seen: list[Any] = []

        async def main() -> None:
            with phase("ingest"):
                await agent.ingest(sessions[0], now=sessions[0].date_time)
            seen.extend(agent._graphs.values())

        try:
            asyncio.run(main())
            (graph,) = seen
            client = graph.llm_client.client
            assert client.max_retries == 0 and client.timeout == SDK_TIMEOUT_S
            assert graph.embedder.client is client and graph.cross_encoder.client is client
        finally:
            agent.close()


def test_the_agents_kuzu_queries_run_on_one_thread(tmp_path: Path, locomo: Any) -> None:
    """Score ties come back in one order only then, so a rerun in another process sends the
    same prompts (on the default thread count, 1 of 1,798 fake-model prompts differed)."""
    _, sessions = _sessions(locomo, n_turns=1)
    fake, reads = GraphitiFake(), []
    with fake_server(fake, reads) as srv:
        agent = _agent(srv, tmp_path)
        threads: list[Any] = []

        async def main() -> None:
            with phase("ingest"):
                await agent.ingest(sessions[0], now=sessions[0].date_time)
            for graph in agent._graphs.values():
                got = await graph.driver.client.execute("CALL current_setting('threads') RETURN *")
                threads.append(got.get_all())

        try:
            asyncio.run(main())
        finally:
            agent.close()
    assert threads == [[["1"]]]


def test_embedded_models_get_graphitis_tighter_json_bounds(tmp_path: Path) -> None:
    """graphiti's replies nest arrays of multi-string objects: its lease bounds them tighter
    than the gateway default (400 x 12 overran max_tokens on SmolLM2), as configured."""
    from memobench.gateway import LOCAL_JSON_BOUNDS, JsonBounds, bound_schema

    with fake_server(GraphitiFake(), []) as srv:
        default = _agent(srv, tmp_path / "a")
        custom = _agent(srv, tmp_path / "b", json_max_string=60, json_max_items=3)
        try:
            assert default.lease.local_json_bounds == JsonBounds(max_string=80, max_items=3)
            assert default.lease.local_json_bounds != LOCAL_JSON_BOUNDS
            assert custom.lease.local_json_bounds == JsonBounds(max_string=60, max_items=3)
            from graphiti_core.prompts.extract_edges import ExtractedEdges

            schema = bound_schema(
                ExtractedEdges.model_json_schema(), default.lease.local_json_bounds
            )
            assert schema["properties"]["edges"]["maxItems"] == 3
        finally:
            default.close()
            custom.close()
