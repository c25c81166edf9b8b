"""The reader call shared by the baselines: one prompt in, a short answer out."""

from __future__ import annotations

from datetime import datetime

from ..agents import AgentContext
from ..llm import LOCAL_MODELS, GenerateConfig, Message

#: LoCoMo's answer budget for a single question (``max_tokens=32`` for OpenAI models).
ANSWER_TOKENS = 32

#: Context windows of known readers (tokens); the long-context baseline truncates to these.
# The embedded models serve 4,096 tokens; budgets are counted in cl100k tokens, which
# undercount Gemma's tokenizer by ~7% on LoCoMo text (measured: 3,860 → 4,131), so keep slack.
CONTEXT_WINDOWS = {"local:": 3_600, "mock:": 1_000_000}
DEFAULT_WINDOW = 128_000


#: Reserve for the prompt text and the reply when a baseline fits context into its reader's
#: window: 3600 − 1096 ≈ 2500 tokens of context for the 4k toy reader.
PROMPT_RESERVE = 1096


def context_budget(reader_spec: str) -> int:
    """Tokens of context a baseline may put in one event/dialogue prompt."""
    return max(context_window(reader_spec) - PROMPT_RESERVE, 256)


def context_window(spec: str) -> int:
    for prefix, size in CONTEXT_WINDOWS.items():
        if spec.startswith(prefix):
            return size
    return DEFAULT_WINDOW


def base_model(spec: str) -> bool:
    """An embedded model without a chat template (Gemma 3 270M base)."""
    backend, _, model = spec.partition(":")
    info = LOCAL_MODELS.get(model) if backend == "local" else None
    return info is not None and not info.chat


async def read(
    context: AgentContext,
    prompt: str,
    *,
    max_tokens: int = ANSWER_TOKENS,
    continuation: bool = False,
    multiline: bool = False,
) -> str:
    """Ask the reader; the tiny local models need a newline stop to give a short phrase.

    ``continuation``: the prompt ends mid-text for the model to continue (a dialogue turn
    opened with a quote). A base model then gets it verbatim on the completion endpoint;
    otherwise prompts go as one user message, which measured better for QA even on the base
    model (conv-30 oracle F1 on categories 1–4: 18.7 as a chat turn vs 9.1 verbatim).
    ``multiline``: a list or summary is expected, so no newline stop (the toy model often
    starts with a newline, which made every summary empty).
    """
    client = context.reader
    stop = ("\n",) if client.spec.startswith("local:") and not multiline else None
    config = GenerateConfig(max_tokens=max_tokens, temperature=0.0, stop=stop)
    message = (
        prompt
        if continuation and base_model(client.spec)
        else [Message(role="user", content=prompt)]
    )
    completion = await client.complete(message, config=config)
    text = completion.text.strip()
    if not text and stop:
        # The toy models often open with a blank line, which the newline stop turns into an
        # empty answer: ask once more without the stop and keep the first non-empty line.
        retry = await client.complete(message, config=config.model_copy(update={"stop": None}))
        text = next((line.strip() for line in retry.text.splitlines() if line.strip()), "")
    return text


async def summarize_events_from(
    context: AgentContext, memory: str, speaker: str, start: datetime, end: datetime
) -> str:
    """The baselines' event summary: the reader lists ``speaker``'s events given ``memory``."""
    from ..tasks import SUMMARY_TOKENS, summarize_prompt

    prompt = summarize_prompt(memory, speaker, start, end)
    return await read(context, prompt, max_tokens=SUMMARY_TOKENS, multiline=True)
