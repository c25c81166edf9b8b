"""graphiti end to end through the real runner: real graphiti-core and embedded Kuzu, the
gateway, MiniLM embeddings, and the fake server as the model (see ``graphiti_fake``)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("graphiti_core") is None or importlib.util.find_spec("kuzu") is None,
    reason="the graphiti extra is not installed: pip install 'memobench[graphiti]'",
)

from graphiti_fake import GraphitiFake, fake_server  # noqa: E402

from memobench.runner import RunConfig, Runner  # noqa: E402

CONVS = ("conv-26", "conv-30")
SPEAKERS = {"conv-26": {"Caroline", "Melanie"}, "conv-30": {"Jon", "Gina"}}
#: ``speaker: text`` at the start of a line: the speakers an extraction prompt or a reader
#: prompt shows.
SPEAKER_LINE = re.compile(r"(?m)^\W*(Caroline|Melanie|Jon|Gina): ")


def _run(srv: Any, data_dir: str, out: Path) -> Any:
    return Runner(
        RunConfig(
            agent="graphiti",
            # One episode per session keeps the fake run short; provenance is then per session.
            agent_config={"batch_size": 0},
            model="openai:fake-model",
            base_url=srv.base_url,
            data_path=data_dir,
            conversations=CONVS,
            limit=4,
            out=out,
            concurrency=4,
        )
    ).run()


def test_graphiti_runs_end_to_end_metered_recalled_isolated_and_free_on_rerun(
    tmp_path: Path, data_dir: str, locomo: Any
) -> None:
    fake, reads = GraphitiFake(), []
    convs = {c.sample_id: c for c in locomo.conversations if c.sample_id in CONVS}
    sessions = {cid: c.sessions for cid, c in convs.items()}
    n_sessions = sum(len(s) for s in sessions.values())
    with fake_server(fake, reads) as srv:
        res = _run(srv, data_dir, tmp_path / "run1")
        chat = srv.stats.by_path["/v1/chat/completions"]
        # Every graphiti call (schema-named) is metered under ingest; the 8 reads under answer.
        assert len(reads) == 8
        assert res.usage["answer"].calls == 8
        assert res.usage["ingest"].calls == chat - 8
        extractions = [c for c in fake.schema_calls() if c[0] == "ExtractedEntities"]
        assert len(extractions) == n_sessions  # one episode per session
        assert res.usage["ingest"].calls >= 2 * n_sessions  # entities + facts at least

        # The session time reached graphiti natively (reference_time → the episode timestamp
        # in its prompts) and in the episode text.
        first = sessions["conv-30"][0]
        prompts = [p for _, _, p in extractions]
        assert any(first.date_time.isoformat() in p for p in prompts)
        assert any(f"(session date: {first.date_time_raw})" in p for p in prompts)

        # Retrieval recall is scored from graphiti's facts, mapped back to real turn ids
        # through their episodes' names.
        lines = (tmp_path / "run1" / "samples.jsonl").read_text().splitlines()
        qa = [s for s in map(json.loads, lines) if s["task"] == "qa"]
        assert len(qa) == 8
        for s in qa:
            turns = {t.dia_id for sess in sessions[s["conversation_id"]] for t in sess.turns}
            assert s["retrieved"] and set(s["retrieved"]) <= turns
        assert res.tasks["qa"].metrics["recall"].n > 0
        assert (res.tasks["qa"].metrics["recall"].value or 0) > 0

        # State is per conversation: no extraction or reading shows the other's speakers.
        for _, _, prompt in fake.schema_calls():
            names = set(SPEAKER_LINE.findall(prompt))
            assert names and any(names <= s for s in SPEAKERS.values()), names
        shown = [set(SPEAKER_LINE.findall(p)) for p in reads]
        assert sum(1 for n in shown if n) >= 4  # the reader sees graphiti's facts
        assert all(not n or any(n <= s for s in SPEAKERS.values()) for n in shown)
        state = tmp_path / "run1" / "agent_state"
        assert sorted(p.name for p in state.iterdir() if (p / "graphiti" / "0.kuzu").exists()) == [
            *CONVS
        ]

        # A rerun into a fresh run directory is served entirely from the cache.
        before = srv.stats.requests
        again = _run(srv, data_dir, tmp_path / "run2")
        assert srv.stats.requests == before
        assert again.usage["total"].calls == 0
        assert (
            again.usage["ingest"].cache_hits
            == res.usage["ingest"].calls + res.usage["ingest"].cache_hits
        )
        assert again.spec.agent.config["perspective"] == "single"
        assert again.spec.agent.config["batch_size"] == 0
