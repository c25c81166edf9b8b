"""Model calls with bounded retries: malformed or invalid output is retried, then rejected.

A retry appends a note to the prompt and bumps ``sample_index``; both change the cache key,
so a cached bad answer is never replayed, while a re-run of a finished stage is a cache hit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..llm import GenerateConfig, LLMClient, Message

T = TypeVar("T")

RETRY_NOTE = "\n(Your previous reply could not be used: {why}. Follow the format exactly.)\n"


class Rejected(RuntimeError):
    """A stage's output stayed invalid after every attempt; nothing of it is written."""


@dataclass
class CallStats:
    """Counters for the manifest."""

    calls: int = 0
    retries: int = 0
    rejected: dict[str, int] = field(default_factory=dict)

    def reject(self, what: str) -> None:
        self.rejected[what] = self.rejected.get(what, 0) + 1


def extract_json(text: str) -> Any:
    """Parse the first JSON value in a reply (tolerates code fences and chatter around it)."""
    cleaned = re.sub(r"```(?:json)?", "", text).strip()
    starts = [i for i in (cleaned.find("["), cleaned.find("{")) if i >= 0]
    if not starts:
        raise ValueError("no JSON in the reply")
    value, _ = json.JSONDecoder().raw_decode(cleaned[min(starts) :])
    return value


class Caller:
    """Wraps an ``LLMClient`` with the run's sampling settings and retry budget."""

    def __init__(
        self,
        client: LLMClient,
        *,
        temperature: float = 1.0,
        attempts: int = 3,
        stats: CallStats | None = None,
    ) -> None:
        self.client = client
        self.temperature = temperature
        self.attempts = attempts
        self.stats = stats or CallStats()

    async def text(self, prompt: str, *, max_tokens: int = 256, attempt: int = 0) -> str:
        self.stats.calls += 1
        config = GenerateConfig(
            max_tokens=max_tokens, temperature=self.temperature, sample_index=attempt
        )
        done = await self.client.complete([Message(role="user", content=prompt)], config=config)
        return done.text

    async def parsed(
        self,
        what: str,
        prompt: str,
        parse: Callable[[str], T],
        *,
        max_tokens: int = 512,
    ) -> T:
        """Call until ``parse`` (which raises ``ValueError`` on bad output) accepts a reply."""
        why = ""
        for attempt in range(self.attempts):
            full = prompt + (RETRY_NOTE.format(why=why) if attempt else "")
            reply = await self.text(full, max_tokens=max_tokens, attempt=attempt)
            try:
                return parse(reply)
            except (ValueError, KeyError, TypeError) as exc:
                why = str(exc)[:200] or type(exc).__name__
                self.stats.retries += 1
        self.stats.reject(what)
        raise Rejected(f"{what}: no valid reply after {self.attempts} attempts (last: {why})")

    async def json(
        self, what: str, prompt: str, validate: Callable[[Any], T], *, max_tokens: int = 512
    ) -> T:
        """``parsed`` for JSON replies: ``validate`` gets the decoded value."""
        return await self.parsed(
            what, prompt, lambda reply: validate(extract_json(reply)), max_tokens=max_tokens
        )
