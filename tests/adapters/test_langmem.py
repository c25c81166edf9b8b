"""LangMem end to end through the real runner: the real langmem/trustcall SDKs, LangChain's
ChatOpenAI on the gateway, a LangGraph InMemoryStore with MiniLM vectors, and the fake server
serving scripted tool calls as the model."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest
from _subset import RecordingReader, load_subset, run_on

from memobench.testing import FakeOpenAIServer

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("langmem") is None,
    reason="the langmem extra is not installed: pip install 'memobench[langmem]'",
)

CONVS = ("conv-26", "conv-30")
SPEAKERS = {"conv-26": {"Caroline", "Melanie"}, "conv-30": {"Jon", "Gina"}}
NAME = re.compile(r"\] \[D\d+:\d+\] (\w+):")
SESSION = re.compile(r"<session_[0-9a-f-]+>(.*?)</session_", re.S)
TAG = re.compile(r"\[(D\d+:\d+)\]")
HUMAN = re.compile(r"=+ Human Message =+\s+\[[^\]]*\] \[D\d+:\d+\] (\w+):")


class LangMemFake(RecordingReader):
    """Calls LangMem's ``SourcedMemory`` tool: one memory per call, the new messages' lines
    with their turn ids (plus one made-up id, which the adapter must drop); and the reader."""

    def __init__(self) -> None:
        super().__init__()
        self.extractions: list[dict[str, Any]] = []

    def memory(self, body: dict[str, Any]) -> dict[str, Any]:
        prompt = "\n".join(str(m.get("content") or "") for m in body["messages"])
        with self.lock:
            self.extractions.append(body)
        new = SESSION.findall(prompt)[-1]
        lines = [line.strip() for line in new.splitlines() if TAG.search(line)]
        return {"content": " ".join(lines), "source_ids": [*TAG.findall(new), "D99:1"]}


def test_langmem_runs_end_to_end_metered_recalled_isolated_and_free_on_rerun(
    tmp_path: Path, locomo_path: Path
) -> None:
    subset, convs = load_subset(locomo_path, tmp_path, CONVS, sessions=3)
    n_sessions = sum(len(c.sessions) for c in convs.values())
    fake = LangMemFake()
    with FakeOpenAIServer(reply=fake, schema_replies={"SourcedMemory": fake.memory}) as srv:
        res = run_on("langmem", srv.base_url, subset, tmp_path / "run1", CONVS)
        # One extraction call per session (batch_size 0), metered under ingest.
        assert len(fake.extractions) == n_sessions
        assert res.usage["ingest"].calls == n_sessions
        assert res.usage["answer"].calls == 6 == len(fake.readings)
        # A real tool-calling request; once memories exist trustcall also offers PatchDoc.
        tools = [{t["function"]["name"] for t in b["tools"]} for b in fake.extractions]
        assert {"SourcedMemory"} in tools and {"SourcedMemory", "PatchDoc"} in tools

        # The date travels in the text (LangMem has no event time).
        dates = {s.date_time_raw for c in convs.values() for s in c.sessions}
        prompts = [
            "\n".join(str(m.get("content") or "") for m in b["messages"]) for b in fake.extractions
        ]
        assert all(any(f"[{d}]" in p for d in dates) for p in prompts)

        # Retrieved memories map back to real turn ids (the made-up D99:1 is dropped).
        samples = [
            json.loads(x) for x in (tmp_path / "run1" / "samples.jsonl").read_text().splitlines()
        ]
        qa = [s for s in samples if s["task"] == "qa"]
        assert len(qa) == 6
        for s in qa:
            ids = set(s["retrieved"])
            turns = {t.dia_id for sess in convs[s["conversation_id"]].sessions for t in sess.turns}
            assert ids and ids <= turns
        assert res.tasks["qa"].metrics["recall"].n == 6

        # One store per conversation: nothing of one conversation in the other's prompts or
        # in its memories on disk.
        for prompt in prompts + fake.readings:
            names = set(NAME.findall(prompt))
            assert names and any(names <= s for s in SPEAKERS.values()), names
        for cid in CONVS:
            rows = (
                tmp_path / "run1" / "agent_state" / cid / "langmem" / "memories.jsonl"
            ).read_text()
            names = set(NAME.findall(rows.replace('\\"', '"')))
            assert len(rows.splitlines()) == len(convs[cid].sessions)
            assert names and names <= SPEAKERS[cid], (cid, names)

        # A rerun is served entirely from the cache (LangMem's random ids are seeded).
        before = srv.stats.requests
        again = run_on("langmem", srv.base_url, subset, tmp_path / "run2", CONVS)
        assert srv.stats.requests == before
        assert again.usage["total"].calls == 0
        assert again.usage["ingest"].cache_hits == n_sessions
        assert again.spec.agent.config["perspective"] == "single"


def test_langmem_dual_perspective_ingests_once_per_speaker(
    tmp_path: Path, locomo_path: Path
) -> None:
    subset, _ = load_subset(locomo_path, tmp_path, ("conv-30",), sessions=2)
    fake = LangMemFake()
    with FakeOpenAIServer(reply=fake, schema_replies={"SourcedMemory": fake.memory}) as srv:
        res = run_on(
            "langmem", srv.base_url, subset, tmp_path / "run", ("conv-30",), perspective="both"
        )
    assert len(fake.extractions) == 4 == res.usage["ingest"].calls
    assert res.spec.agent.config["perspective"] == "both"
    # Mirrored roles: in one namespace Jon's turns are the user's, in the other Gina's.
    users = set()
    for body in fake.extractions:
        convo = SESSION.findall(body["messages"][-1]["content"])[-1]
        users.add(frozenset(HUMAN.findall(convo)))
    assert users == {frozenset({"Jon"}), frozenset({"Gina"})}


def _source_ids_enum(body: dict[str, Any]) -> list[str] | None:
    tool = next(t for t in body["tools"] if t["function"]["name"] == "SourcedMemory")
    items = tool["function"]["parameters"]["properties"]["source_ids"]["items"]
    return items.get("enum")


def test_langmem_source_ids_are_an_enum_of_the_ingested_turns(
    tmp_path: Path, locomo_path: Path
) -> None:
    # What embedded models get by default ("auto"); forced here on the fake server's model.
    subset, convs = load_subset(locomo_path, tmp_path, ("conv-30",), sessions=3)
    fake = LangMemFake()
    with FakeOpenAIServer(reply=fake, schema_replies={"SourcedMemory": fake.memory}) as srv:
        res = run_on(
            "langmem", srv.base_url, subset, tmp_path / "run", ("conv-30",),
            source_ids_enum="always",
        )  # fmt: skip
        hosted = run_on("langmem", srv.base_url, subset, tmp_path / "hosted", ("conv-30",))
    sessions = convs["conv-30"].sessions
    enums = [_source_ids_enum(b) for b in fake.extractions[: len(sessions)]]
    for k, enum in enumerate(enums):
        # Session k's call may cite any turn of sessions 1..k, in order, and nothing else.
        assert enum == [t.dia_id for s in sessions[: k + 1] for t in s.turns], k
    # The auto default on a hosted model leaves the schema as LangMem's.
    assert all(_source_ids_enum(b) is None for b in fake.extractions[len(sessions) :])
    assert res.spec.agent.config["source_ids_enum"] == "always"
    assert hosted.spec.agent.config["source_ids_enum"] == "auto"
    assert res.spec.agent.version == "3"


def test_langmem_model_written_queries_search_the_store_before_each_extraction(
    tmp_path: Path, locomo_path: Path
) -> None:
    subset, convs = load_subset(locomo_path, tmp_path, ("conv-30",), sessions=2)
    sessions = convs["conv-30"].sessions
    fake, asked = LangMemFake(), []

    def query(body: dict[str, Any]) -> dict[str, Any]:
        with fake.lock:
            asked.append(body)
        # The first session's memory, by its text: the store's search must find it.
        return {"query": f"{sessions[0].turns[0].speaker}: {sessions[0].turns[0].text}"}

    replies = {"SourcedMemory": fake.memory, "search_memory": query}
    with FakeOpenAIServer(reply=fake, schema_replies=replies) as srv:
        res = run_on(
            "langmem", srv.base_url, subset, tmp_path / "run", ("conv-30",), queries="model"
        )
        # One query call before each extraction (one per session), both metered under ingest.
        assert len(asked) == len(fake.extractions) == len(sessions)
        assert res.usage["ingest"].calls == 2 * len(sessions)
        for body, session in zip(asked, sessions, strict=True):
            tools = [t["function"]["name"] for t in body["tools"]]
            assert tools == ["search_memory"]
            prompt = body["messages"][-1]["content"]
            assert "<convo>" in prompt and session.turns[-1].dia_id in prompt
        # With model queries the store is searched with them only: the first session's memory
        # reached the second extraction through the model's query.
        second = json.dumps(fake.extractions[1]["messages"])
        assert sessions[0].turns[0].dia_id in second
        assert res.spec.agent.config["queries"] == "model"
        # Free on rerun, the query calls included.
        before = srv.stats.requests
        again = run_on(
            "langmem", srv.base_url, subset, tmp_path / "again", ("conv-30",), queries="model"
        )
        assert srv.stats.requests == before and again.usage["total"].calls == 0
    from memobench.errors import ConfigError

    with pytest.raises(ConfigError, match="queries"):
        run_on(
            "langmem", "http://127.0.0.1:9/v1", subset, tmp_path / "bad", ("conv-30",), queries="x"
        )
