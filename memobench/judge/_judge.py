"""The LLM judge: one prompt mode (lenient/strict), one model, k judgments per answer."""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from ..llm import GenerateConfig, LLMClient, LLMError, Message, get_llm
from ..tasks import PromptTemplate, load_task_spec
from ._parse import Label, parse_verdict

JUDGE_MODES = ("lenient", "strict")
#: Sampling temperature of the k > 1 repeated judgments (k = 1 is always greedy).
DEFAULT_K_TEMPERATURE = 0.7
_RETRY_NUDGE = (
    "Your previous reply could not be read. Reply with the JSON object only: "
    '{"reasoning": "...", "label": "CORRECT" or "WRONG"}'
)

_FROZEN = ConfigDict(frozen=True)


class JudgeItem(BaseModel):
    """What the judge sees."""

    model_config = _FROZEN
    question: str
    """The question."""
    gold: str
    """The gold answer."""
    answer: str
    """The answer to grade (already truncated when length control is on)."""


class Verdict(BaseModel):
    """The k judgments of one answer."""

    model_config = _FROZEN
    labels: tuple[Label | None, ...]
    """One label per judgment (sample_index 0..k-1); None = unparseable after one retry."""
    reasoning: str = ""
    """Reasoning of the first readable judgment."""

    @property
    def score(self) -> float | None:
        """Mean of the readable labels (CORRECT = 1); None when none was readable."""
        vals = [1.0 if lab == "CORRECT" else 0.0 for lab in self.labels if lab is not None]
        return sum(vals) / len(vals) if vals else None

    @property
    def n_errors(self) -> int:
        return sum(lab is None for lab in self.labels)

    @property
    def label(self) -> Label | None:
        """Majority label (ties → WRONG, so uncertainty never counts as correct)."""
        s = self.score
        return None if s is None else ("CORRECT" if s > 0.5 else "WRONG")


def judge_prompt(mode: str) -> PromptTemplate:
    if mode not in JUDGE_MODES:
        raise ValueError(f"unknown judge {mode!r} (known: {', '.join(JUDGE_MODES)})")
    return load_task_spec("judge").prompt(mode)


def truncate_words(text: str, max_words: int | None) -> str:
    """The first ``max_words`` words (length-controlled judging); unchanged when None."""
    if max_words is None:
        return text
    return " ".join(text.split()[:max_words])


class Judge:
    """A judge configuration: prompt mode + model + k. Calls go through the cached LLM layer."""

    def __init__(
        self,
        mode: str,
        model: str | LLMClient,
        *,
        k: int = 1,
        temperature: float = DEFAULT_K_TEMPERATURE,
        max_tokens: int = 256,
    ) -> None:
        if k < 1:
            raise ValueError("k must be >= 1")
        self.mode = mode
        self.prompt = judge_prompt(mode)
        self.client = get_llm(model) if isinstance(model, str) else model
        self.k = k
        # Greedy for a single judgment (reproducible); sampling only makes sense for k > 1.
        self.temperature = 0.0 if k == 1 else temperature
        self.max_tokens = max_tokens

    @property
    def model(self) -> str:
        return self.client.spec

    @property
    def prompt_sha256(self) -> str:
        return self.prompt.sha256

    def identity(self) -> dict[str, object]:
        """What goes into results next to judged scores."""
        return {
            "mode": self.mode,
            "model": self.model,
            "prompt": self.prompt.name,
            "prompt_sha256": self.prompt_sha256,
            "k": self.k,
            "temperature": self.temperature,
        }

    async def _one(self, item: JudgeItem, sample_index: int) -> tuple[Label | None, str]:
        text = self.prompt.render(question=item.question, gold=item.gold, answer=item.answer)
        config = GenerateConfig(
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            response_format="json",
            sample_index=sample_index,
        )
        messages: list[Message] = [Message(role="user", content=text)]
        try:
            reply = await self.client.complete(messages, config=config)
            label, why = parse_verdict(reply.text)
            if label is None:
                # The nudge changes the prompt, so the retry is a new cache entry, not a replay.
                messages += [
                    Message(role="assistant", content=reply.text),
                    Message(role="user", content=_RETRY_NUDGE),
                ]
                reply = await self.client.complete(messages, config=config)
                label, why = parse_verdict(reply.text)
        except LLMError as exc:
            return None, f"judge call failed: {exc}"
        return label, why

    async def judge(self, item: JudgeItem) -> Verdict:
        parts = await asyncio.gather(*(self._one(item, i) for i in range(self.k)))
        reasoning = next((why for lab, why in parts if lab is not None), parts[0][1])
        return Verdict(labels=tuple(lab for lab, _ in parts), reasoning=reasoning)

    async def judge_many(self, items: Sequence[JudgeItem]) -> list[Verdict]:
        return list(await asyncio.gather(*(self.judge(it) for it in items)))


def run_spread(verdicts: Sequence[Verdict]) -> dict[str, object]:
    """Mean and spread over the k judgment runs (run j = every item's j-th label)."""
    k = max((len(v.labels) for v in verdicts), default=0)
    means = []
    for j in range(k):
        vals = [
            1.0 if v.labels[j] == "CORRECT" else 0.0 for v in verdicts if v.labels[j] is not None
        ]
        if vals:
            means.append(sum(vals) / len(vals))
    return {
        "run_means": means,
        "mean": statistics.fmean(means) if means else None,
        "std": statistics.stdev(means) if len(means) > 1 else 0.0 if means else None,
    }
