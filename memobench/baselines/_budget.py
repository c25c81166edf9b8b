"""Fitting ranked context into the reader's window (BEAM and LongMemEval turns run to
thousands of tokens: five retrieved units can exceed a 4k reader on their own)."""

from __future__ import annotations

from collections.abc import Sequence

from .._util.tokens import count_tokens
from ._reader import ANSWER_TOKENS, context_window

#: Slack for the chat template (budgets are cl100k counts).
TEMPLATE_SLACK = 64
#: Share of the window that cl100k counts may fill: a reader's own tokenizer can need more
#: tokens for the same text (up to 9 % more for SmolLM2 on BEAM: 4,472 tokens for a prompt
#: budgeted at 4,096).
TOKENIZER_SHARE = 0.85


def room_for(reader_spec: str, *fixed: str, reply_tokens: int = ANSWER_TOKENS) -> int:
    """Tokens left for context in one prompt to ``reader_spec`` beside the ``fixed`` texts."""
    used = sum(count_tokens(t) for t in fixed) + reply_tokens + TEMPLATE_SLACK
    return max(int(context_window(reader_spec) * TOKENIZER_SHARE) - used, 0)


def cut_to(text: str, budget_tokens: int) -> str:
    """The longest prefix of ``text`` (whole words) within ``budget_tokens``."""
    if count_tokens(text) <= budget_tokens:
        return text
    words = text.split(" ")
    lo, hi = 0, len(words)
    while lo < hi:  # the largest n with words[:n] fitting
        mid = (lo + hi + 1) // 2
        if count_tokens(" ".join(words[:mid])) <= budget_tokens:
            lo = mid
        else:
            hi = mid - 1
    return " ".join(words[:lo])


def fit_ranked(blocks: Sequence[str], budget_tokens: int, sep: str = "\n") -> str:
    """Blocks in rank order while they fit; the first that does not is cut to the room left
    and the lower-ranked rest dropped."""
    kept: list[str] = []
    used = 0
    for block in blocks:
        cost = count_tokens(block + sep)
        if used + cost > budget_tokens:
            rest = cut_to(block, budget_tokens - used - count_tokens(sep))
            if rest:
                kept.append(rest)
            break
        used += cost
        kept.append(block)
    return sep.join(kept)
