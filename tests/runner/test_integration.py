"""Cross-cutting guarantees: generated data runs through every baseline, secrets never leak,
third-party agents arrive through entry points like the built-ins."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from memobench.generation import ProceduralConfig, generate_procedural
from memobench.llm import MockBackend
from memobench.registry import Registry
from memobench.runner import RunConfig, Runner
from memobench.testing import FakeOpenAIServer


@pytest.mark.parametrize("agent", ["no-memory", "oracle", "long-context", "rag", "summary"])
def test_generated_dataset_runs_through_every_baseline(tmp_path: Path, agent: str) -> None:
    data = tmp_path / "gen.json"
    generate_procedural(ProceduralConfig(conversations=2, sessions=4, turns=8, seed=3), data)
    MockBackend.script("reader", lambda p: "Not mentioned" if "(a)" in p else "yes")
    res = Runner(
        RunConfig(
            agent=agent,
            dataset=str(data),
            model="mock:reader",
            limit=6,
            tasks=("qa", "event_summary"),
            out=tmp_path / agent,
        )
    ).run()
    assert res.tasks["qa"].metrics["f1"].n == 12  # 6 per conversation
    assert res.tasks["event_summary"].metrics["rouge1"].n == 4  # 2 speakers x 2 conversations
    assert res.spec.dataset.name == "gen"
    MockBackend.reset()


def test_api_key_never_reaches_run_files(
    tmp_path: Path, data_dir: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-memobench-test-SECRET-0123456789"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    with FakeOpenAIServer(reply="7 May 2023", latency_s=0.0) as srv:
        Runner(
            RunConfig(
                agent="no-memory",
                model="openai:fake",
                base_url=srv.base_url,
                data_path=data_dir,
                conversations=("conv-30",),
                limit=5,
                out=tmp_path / "run",
            )
        ).run()
    files = list((tmp_path / "run").rglob("*"))
    assert any(f.name == "results.json" for f in files)
    for f in files:
        if f.is_file():
            assert secret not in f.read_text(errors="ignore"), f
    cache_files = list(Path(__import__("os").environ["MEMOBENCH_CACHE_DIR"]).rglob("*"))
    for f in cache_files:
        if f.is_file():
            assert secret.encode() not in f.read_bytes(), f


def test_entry_point_plugin_is_discovered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fake installed distribution declaring ``memobench.agents`` is found by name."""
    dist = tmp_path / "memobench_echo-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: memobench-echo\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[memobench.agents]\necho/v1 = memobench_echo:EchoAgent\n"
    )
    (tmp_path / "memobench_echo.py").write_text(
        "from memobench.agents import Answer\n"
        "class EchoAgent:\n"
        "    version = '0.1'\n"
        "    def __init__(self, *, context): pass\n"
        "    def ingest(self, session, *, now): pass\n"
        "    def answer(self, question, *, now): return Answer(text=question.raw_text)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry: Registry[object] = Registry("agents")
    assert "echo/v1" in registry.names() and "rag" in registry.names()
    assert registry.source("echo/v1") == "entry point (memobench-echo)"
    cls = registry.get("echo/v1")
    assert cls.__name__ == "EchoAgent" and "memobench_echo" in sys.modules


def test_missing_observations_are_generated_with_the_reader(tmp_path: Path) -> None:
    """Datasets without observations (e.g. a user's own) still run RAG over observations."""
    import json

    data = tmp_path / "gen.json"
    generate_procedural(ProceduralConfig(conversations=1, sessions=3, turns=6, seed=1), data)
    raw = json.loads(data.read_text())
    for sample in raw:
        sample.pop("observation", None)
    data.write_text(json.dumps(raw))

    def reply(prompt: str) -> str:
        if (
            "OBSERVATIONS:" in prompt
        ):  # tasks/qa/observations.txt asks for "<speaker>: <fact> [<id>]"
            first = prompt.split("[D", 1)[1].split("]", 1)[0]
            return f"Someone: said the first thing [D{first}]\nnot an observation line"
        return "yes"

    MockBackend.script("obs", reply)
    res = Runner(
        RunConfig(
            agent="rag",
            dataset=str(data),
            model="mock:obs",
            limit=4,
            agent_config={"unit": "observation", "top_k": 2},
            out=tmp_path / "run",
        )
    ).run()
    samples = [json.loads(x) for x in (tmp_path / "run" / "samples.jsonl").read_text().splitlines()]
    # One generated observation per session, each citing that session's first turn.
    assert all(set(s["retrieved"]) <= {"D1:1", "D2:1", "D3:1"} for s in samples)
    assert all(len(s["retrieved"]) == 2 for s in samples)
    usage = res.usage["ingest"]
    assert usage.calls == 3  # one extraction call per session, metered as ingestion
    MockBackend.reset()
