"""Routing by context window: a system's call that the reader's window cannot hold goes to a
model whose window can.

A memory system's own prompts can be far longer than the reader's window (mem0's extraction
prompt is ~8.5K tokens; ``local:smollm2-135m`` is served with 4,096). The router estimates the
request's size (prompt + ``max_tokens``) before the call and, when it exceeds the requested
model's known window, sends the call to the first fallback whose window fits. The estimate is
deliberately pessimistic (3 characters per token, English runs ~4) and deterministic, so the
same request always goes to the same model and a rerun is served from the cache. Unknown
windows are never routed. Which model served which calls is counted on the lease
(``served``/``routed``) and shows in the usage report's per-model rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..llm import LOCAL_MODELS, Message, local_available

#: Characters per token of the size estimate (pessimistic: English averages about 4).
CHARS_PER_TOKEN = 3.0
#: Tokens a chat template adds per message (role markers, separators).
PER_MESSAGE_TOKENS = 8


def estimate_tokens(messages: Sequence[Message]) -> int:
    """A pessimistic token count of a chat prompt, without a tokenizer."""
    chars = sum(len(m.content) for m in messages)
    return math.ceil(chars / CHARS_PER_TOKEN) + PER_MESSAGE_TOKENS * len(messages)


@dataclass(frozen=True)
class Route:
    """One routing decision, for the record."""

    asked: str
    """The spec the request would have gone to."""
    served_by: str
    """The spec it goes to."""
    needed: int
    """Estimated prompt tokens + ``max_tokens``."""


@dataclass(frozen=True)
class ContextRouter:
    """Context windows of known specs and the long-context fallbacks, in order of preference."""

    windows: Mapping[str, int] = field(default_factory=dict)
    """Model spec → tokens its server holds (prompt + completion)."""
    fallbacks: tuple[str, ...] = ()
    """Specs a too-long call may go to; the first whose window fits serves it."""

    def window(self, spec: str) -> int | None:
        return self.windows.get(spec)

    def route(self, spec: str, messages: Sequence[Message], max_tokens: int | None) -> Route:
        """Where a call asked of ``spec`` goes (``spec`` itself unless its window is too small
        and a fallback's fits; with no fitting fallback the call goes to ``spec`` and fails
        there with the model's own context-length error)."""
        needed = estimate_tokens(messages) + (max_tokens or 0)
        own = self.window(spec)
        if own is None or needed <= own:
            return Route(spec, spec, needed)
        for other in self.fallbacks:
            window = self.window(other)
            if other != spec and window is not None and needed <= window:
                return Route(spec, other, needed)
        return Route(spec, spec, needed)

    def describe(self) -> dict[str, object]:
        """For run configs: the windows and fallbacks this router used."""
        return {"windows": dict(sorted(self.windows.items())), "fallbacks": list(self.fallbacks)}


def local_windows() -> dict[str, int]:
    """The windows memobench serves its embedded models with (``n_ctx`` of each server)."""
    return {f"local:{name}": model.n_ctx for name, model in LOCAL_MODELS.items()}


def auto_router(
    reader_spec: str,
    *,
    windows: Mapping[str, int] | None = None,
    fallbacks: Sequence[str] | None = None,
) -> ContextRouter:
    """The default router: embedded models' windows plus ``windows``; fallbacks are
    ``fallbacks`` when given, else every installed embedded model other than the reader with a
    larger window than the reader's, smallest window first (the least model that fits)."""
    known = {**local_windows(), **dict(windows or {})}
    if fallbacks is None:
        own = known.get(reader_spec, 0)
        local = [
            spec
            for spec in known
            if spec.startswith("local:")
            and spec != reader_spec
            and known[spec] > own
            and local_available(spec.removeprefix("local:"))
        ]
        fallbacks = sorted(local, key=lambda s: (known[s], s))
    return ContextRouter(windows=known, fallbacks=tuple(fallbacks))
