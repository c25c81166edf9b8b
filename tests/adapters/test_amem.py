"""A-Mem end to end through the real runner: the real a-mem SDK and its persistent Chroma, the
gateway, MiniLM embeddings, and the fake server as the model (both of A-Mem's schemas are
named "response": the fake routes them by their property sets)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from _subset import RecordingReader, load_subset, run_on

from memobench.testing import FakeOpenAIServer

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("agentic_memory") is None,
    reason="the a-mem extra is not installed: pip install 'memobench[amem]'",
)

CONVS = ("conv-26", "conv-30")
SPEAKERS = {"conv-26": {"Caroline", "Melanie"}, "conv-30": {"Jon", "Gina"}}
NAME = re.compile(r"\] \[D\d+:\d+\] (\w+):")
NEIGHBOUR = re.compile(r"memory_id:(D\d+:\d+)\ttalk start time:(\d+)")
WORD = re.compile(r"[A-Za-z]{5,}")


class AMemFake(RecordingReader):
    """Plays A-Mem's analysis (keywords from the note) and evolution (strengthen a link to the
    first neighbour), and the reader."""

    def __init__(self) -> None:
        super().__init__()
        self.analyses: list[str] = []
        self.evolutions: list[str] = []

    def schema(self, body: dict[str, Any]) -> dict[str, Any]:
        prompt = body["messages"][-1]["content"]
        props = body["response_format"]["json_schema"]["schema"]["properties"]
        with self.lock:
            if "keywords" in props:
                self.analyses.append(prompt)
                note = prompt.rsplit("Content for analysis:", 1)[1]
                words = WORD.findall(note)[:3] or ["chat"]
                return {"keywords": words, "context": "A chat.", "tags": ["chat"]}
            assert "should_evolve" in props, props
            self.evolutions.append(prompt)
        first = NEIGHBOUR.search(prompt)
        links = [first.group(1)] if first else []
        return {
            "should_evolve": bool(links),
            "actions": ["strengthen"],
            "suggested_connections": links,
            "tags_to_update": ["chat"],
        }


def test_amem_runs_end_to_end_metered_recalled_isolated_and_free_on_rerun(
    tmp_path: Path, locomo_path: Path
) -> None:
    subset, convs = load_subset(locomo_path, tmp_path, CONVS, sessions=1, turns=12)
    turns = {cid: [t for s in c.sessions for t in s.turns] for cid, c in convs.items()}
    fake = AMemFake()
    env = {k: os.environ.get(k) for k in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    with FakeOpenAIServer(reply=fake, schema_replies={"response": fake.schema}) as srv:
        res = run_on("a-mem", srv.base_url, subset, tmp_path / "run1", CONVS)
        # One note per turn: an analysis call each, an evolution call each but the first.
        n_notes = sum(len(t) for t in turns.values())
        assert len(fake.analyses) == n_notes
        assert len(fake.evolutions) == n_notes - len(CONVS)
        assert res.usage["ingest"].calls == 2 * n_notes - len(CONVS)
        assert res.usage["answer"].calls == 6 == len(fake.readings)

        # A-Mem's client was pointed at the gateway per instance: the environment is untouched.
        assert {k: os.environ.get(k) for k in env} == env

        # The session time reaches A-Mem natively (its evolution prompt's "talk start time")
        # and in the text of every note.
        stamps = {s.date_time.strftime("%Y%m%d%H%M") for c in convs.values() for s in c.sessions}
        seen = {stamp for p in fake.evolutions for _, stamp in NEIGHBOUR.findall(p)}
        assert seen and seen <= stamps
        dates = {s.date_time_raw for c in convs.values() for s in c.sessions}
        assert all(any(f"[{d}]" in p for d in dates) for p in fake.analyses)

        # Retrieved notes map back to real turn ids; recall is scored from them.
        samples = [
            json.loads(x) for x in (tmp_path / "run1" / "samples.jsonl").read_text().splitlines()
        ]
        qa = [s for s in samples if s["task"] == "qa"]
        assert len(qa) == 6
        for s in qa:
            ids = set(s["retrieved"])
            assert ids and ids <= {t.dia_id for t in turns[s["conversation_id"]]}
        assert res.tasks["qa"].metrics["recall"].n == 6

        # One store per conversation; no note of one conversation reaches the other's prompts.
        for prompt in fake.analyses + fake.evolutions + fake.readings:
            names = set(NAME.findall(prompt))
            assert names and any(names <= s for s in SPEAKERS.values()), names
        state = tmp_path / "run1" / "agent_state"
        assert sorted(p.name for p in state.iterdir() if (p / "a-mem" / "p0").is_dir()) == list(
            CONVS
        )

        # A rerun into a fresh run directory is served entirely from the cache.
        before = srv.stats.requests
        again = run_on("a-mem", srv.base_url, subset, tmp_path / "run2", CONVS)
        assert srv.stats.requests == before
        assert again.usage["total"].calls == 0
        assert again.usage["ingest"].cache_hits == 2 * n_notes - len(CONVS)
        assert again.spec.agent.config["perspective"] == "single"
        assert again.spec.agent.config["batch_size"] == 1


def test_amem_refuses_system_answers_and_unknown_choices(tmp_path: Path) -> None:
    from memobench.adapters import AMemAgent
    from memobench.agents import AgentContext
    from memobench.errors import ConfigError

    ctx = AgentContext(
        conversation_id="c", speakers=("A", "B"), reader_spec="mock:x", work_dir=tmp_path
    )
    with pytest.raises(ConfigError, match="answer_with must be 'reader'"):
        AMemAgent(context=ctx, answer_with="system")
    with pytest.raises(ConfigError, match="search='fuzzy'"):
        AMemAgent(context=ctx, search="fuzzy")


#: ``<role>: [<date>] [<turn id>] <speaker>:`` — one note line of a perspective's store.
ROLE_LINE = re.compile(r"(user|assistant): \[[^\]]+\] \[(D\d+:\d+)\] (\w+):")


def test_amem_dual_perspective_ingests_once_per_speaker_into_two_stores(
    tmp_path: Path, locomo_path: Path
) -> None:
    subset, convs = load_subset(locomo_path, tmp_path, ("conv-30",), sessions=1, turns=6)
    turns = [t for s in convs["conv-30"].sessions for t in s.turns]
    fake = AMemFake()
    with FakeOpenAIServer(reply=fake, schema_replies={"response": fake.schema}) as srv:
        res = run_on(
            "a-mem", srv.base_url, subset, tmp_path / "run", ("conv-30",), perspective="both"
        )
    # Every turn is a note in each speaker's store: an analysis each, an evolution each but
    # the first of each store.
    assert len(fake.analyses) == 2 * len(turns)
    assert res.usage["ingest"].calls == 2 * (2 * len(turns) - 1)
    assert res.spec.agent.config["perspective"] == "both"
    state = tmp_path / "run" / "agent_state" / "conv-30" / "a-mem"
    assert sorted(p.name for p in state.iterdir() if p.is_dir()) == ["p0", "p1"]
    # Mirrored roles: each turn is the user's in one store and the assistant's in the other.
    roles: dict[str, set[tuple[str, str]]] = {}
    for prompt in fake.analyses:
        note = prompt.rsplit("Content for analysis:", 1)[1]
        role, dia_id, speaker = ROLE_LINE.search(note).groups()  # type: ignore[union-attr]
        roles.setdefault(dia_id, set()).add((role, speaker))
    assert sorted(roles) == sorted(t.dia_id for t in turns)
    for t in turns:
        assert roles[t.dia_id] == {("user", t.speaker), ("assistant", t.speaker)}, t.dia_id
    # Answers search both stores; what they retrieve maps back to the ingested turns.
    lines = (tmp_path / "run" / "samples.jsonl").read_text().splitlines()
    qa = [s for s in map(json.loads, lines) if s["task"] == "qa"]
    assert len(qa) == 3
    assert all(s["retrieved"] and set(s["retrieved"]) <= {t.dia_id for t in turns} for s in qa)
