"""The reader call shared by the baselines: one prompt in, a short answer out."""

from __future__ import annotations

from ...llm import GenerateConfig, Message
from .._context import AgentContext

#: LoCoMo's answer budget for a single question (``max_tokens=32`` for OpenAI models).
ANSWER_TOKENS = 32

#: Context windows of known readers (tokens); the long-context baseline truncates to these.
# The embedded models serve 4,096 tokens; budgets are counted in cl100k tokens, which
# undercount Gemma's tokenizer by ~7% on LoCoMo text (measured: 3,860 → 4,131), so keep slack.
CONTEXT_WINDOWS = {"local:": 3_600, "mock:": 1_000_000}
DEFAULT_WINDOW = 128_000


def context_window(spec: str) -> int:
    for prefix, size in CONTEXT_WINDOWS.items():
        if spec.startswith(prefix):
            return size
    return DEFAULT_WINDOW


async def read(context: AgentContext, prompt: str, *, max_tokens: int = ANSWER_TOKENS) -> str:
    """Ask the reader; the tiny local base model needs a newline stop to give a short phrase."""
    client = context.reader
    stop = ("\n",) if client.spec.startswith("local:") else None
    completion = await client.complete(
        [Message(role="user", content=prompt)],
        config=GenerateConfig(max_tokens=max_tokens, temperature=0.0, stop=stop),
    )
    return completion.text.strip()
