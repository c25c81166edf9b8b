"""mem0 end to end through the real runner: real mem0ai SDK and embedded Qdrant, the gateway,
MiniLM embeddings, and the fake server as the model."""

from __future__ import annotations

import importlib.util
import json
import re
import threading
from pathlib import Path

import pytest

from memobench.testing import FakeOpenAIServer, FakeRequest

# Not importorskip: importing mem0 here would read its settings before the adapter sets them.
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("mem0") is None,
    reason="the mem0 extra is not installed: pip install 'memobench[mem0]'",
)

from memobench.runner import RunConfig, Runner  # noqa: E402

CONVS = ("conv-26", "conv-30")
SPEAKERS = {"conv-26": {"Caroline", "Melanie"}, "conv-30": {"Jon", "Gina"}}
NAME = re.compile(r"\] \[D\d+:\d+\] (\w+):")


class Mem0Fake:
    """Plays mem0's extractor (one memory per batch: its new messages verbatim) and the reader."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.extractions: list[str] = []
        self.readings: list[str] = []

    def __call__(self, req: FakeRequest) -> str:
        if "## New Messages" in req.prompt:
            with self.lock:
                self.extractions.append(req.prompt)
            new = req.prompt.rsplit("## New Messages", 1)[1].split("## Observation Date", 1)[0]
            text = " ".join(line.strip() for line in new.strip().splitlines())
            return json.dumps({"memory": [{"id": "0", "text": text, "attributed_to": "user"}]})
        with self.lock:
            self.readings.append(req.prompt)
        return "7 May 2023"


def _run(srv: FakeOpenAIServer, data_dir: str, out: Path, **agent: object) -> object:
    return Runner(
        RunConfig(
            agent="mem0",
            agent_config={"batch_size": 0, **agent},
            model="openai:fake-model",
            base_url=srv.base_url,
            data_path=data_dir,
            conversations=CONVS,
            limit=4,
            out=out,
            concurrency=4,
        )
    ).run()


def test_mem0_runs_end_to_end_metered_recalled_isolated_and_free_on_rerun(
    tmp_path: Path, data_dir: str, locomo: object
) -> None:
    fake = Mem0Fake()
    convs = {c.sample_id: c for c in locomo.conversations if c.sample_id in CONVS}  # type: ignore[attr-defined]
    n_sessions = sum(len(c.sessions) for c in convs.values())
    with FakeOpenAIServer(reply=fake) as srv:
        res = _run(srv, data_dir, tmp_path / "run1")
        # One extraction call per session (batch_size=0), metered under ingest; 4 reads each.
        assert res.usage["ingest"].calls == n_sessions  # type: ignore[attr-defined]
        assert res.usage["answer"].calls == 8  # type: ignore[attr-defined]
        assert len(fake.extractions) == n_sessions

        # The session date replaced mem0's wall-clock "today" in the extraction prompt.
        first = convs["conv-30"].sessions[0].date_time.date().isoformat()
        assert any(f"## Observation Date\n{first}" in p for p in fake.extractions)
        assert not any("## Current Date\n2026" in p for p in fake.extractions)

        # Retrieval recall is scored from mem0's items, mapped back to real turn ids.
        samples = [
            json.loads(line)
            for line in (tmp_path / "run1" / "samples.jsonl").read_text().splitlines()
        ]
        qa = [s for s in samples if s["task"] == "qa"]
        assert len(qa) == 8
        for s in qa:
            ids = set(s["retrieved"])
            turns = {t.dia_id for sess in convs[s["conversation_id"]].sessions for t in sess.turns}
            assert ids and ids <= turns
        assert res.tasks["qa"].metrics["recall"].n > 0  # type: ignore[attr-defined]

        # State is per conversation: no memory of one conversation reaches the other's
        # extraction context or reader prompt.
        named = [set(NAME.findall(p)) for p in fake.extractions + fake.readings]
        assert all(named[: len(fake.extractions)])  # every extraction shows its turns
        assert sum(1 for n in named[len(fake.extractions) :] if n) >= 4  # readings show memories
        for names in named:
            assert not names or any(names <= s for s in SPEAKERS.values()), names
        state = tmp_path / "run1" / "agent_state"
        assert sorted(p.name for p in state.iterdir() if (p / "mem0").is_dir()) == list(CONVS)

        # A rerun into a fresh run directory is served entirely from the cache.
        before = srv.stats.requests
        again = _run(srv, data_dir, tmp_path / "run2")
        assert srv.stats.requests == before
        assert again.usage["total"].calls == 0  # type: ignore[attr-defined]
        assert again.usage["ingest"].cache_hits == n_sessions  # type: ignore[attr-defined]
        assert again.spec.agent.config["perspective"] == "single"  # type: ignore[attr-defined]


def test_dual_perspective_ingests_once_per_speaker(
    tmp_path: Path, data_dir: str, locomo: object
) -> None:
    fake = Mem0Fake()
    with FakeOpenAIServer(reply=fake) as srv:
        Runner(
            RunConfig(
                agent="mem0",
                agent_config={"batch_size": 0, "perspective": "both"},
                model="openai:fake-model",
                base_url=srv.base_url,
                data_path=data_dir,
                conversations=("conv-30",),
                limit=2,
                out=tmp_path / "run",
            )
        ).run()
    conv = next(c for c in locomo.conversations if c.sample_id == "conv-30")  # type: ignore[attr-defined]
    sessions = len(conv.sessions)
    assert len(fake.extractions) == 2 * sessions
    # Mirrored roles: in one perspective Jon is the user, in the other Gina.
    user_role = re.compile(r"user: \[[^\]]*\] \[D\d+:\d+\] (\w+)")
    users = {frozenset(user_role.findall(p)) for p in fake.extractions}
    assert users == {frozenset({"Jon"}), frozenset({"Gina"})}


def test_the_reply_schema_is_the_shape_mem0_parses() -> None:
    """What embedded models are constrained to (for mem0's schema-less JSON calls) is the
    shape mem0's prompt asks for and its parser reads: the fake extractor's reply above, a
    memory list under ``memory``, validates; a grammar compiles from it."""
    import jsonschema

    from memobench.adapters._mem0 import REPLY_SCHEMA
    from memobench.llm._gbnf import schema_to_gbnf

    prompt = "## New Messages\n[7 May 2023] [D1:1] Jon: I lost my job.\n## Observation Date\nx"
    reply = json.loads(Mem0Fake()(FakeRequest("/v1/chat/completions", {}, prompt, "m", 0)))
    jsonschema.validate(reply, REPLY_SCHEMA)
    jsonschema.validate({"memory": []}, REPLY_SCHEMA)  # mem0's "nothing worth extracting"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"facts": ["x"]}, REPLY_SCHEMA)  # mem0 would find no memories
    assert "root" in schema_to_gbnf(REPLY_SCHEMA)
