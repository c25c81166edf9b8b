"""Serializing sessions into reader context (LoCoMo §3.3 with the ``[shares …]`` convention)."""

from __future__ import annotations

from collections.abc import Sequence

from .._util.tokens import count_tokens
from ..data import Session, turn_line


def session_header(session: Session) -> str:
    return f"DATE: {session.date_time_raw}\nCONVERSATION:\n"


def truncate_recent(sessions: Sequence[Session], budget_tokens: int) -> str:
    """The most recent turns that fit ``budget_tokens``, in chronological order.

    LoCoMo's released code builds the context in reverse session order and so keeps the
    *oldest* sessions under a budget; the paper (and this function) keeps the most recent
    turns and drops the oldest, which is what a memory benchmark needs.
    """
    kept: list[tuple[Session, list[str]]] = []
    used = 0
    for session in reversed(sessions):
        header_cost = count_tokens(session_header(session))
        if used + header_cost > budget_tokens:
            break
        used += header_cost
        lines: list[str] = []
        for turn in reversed(session.turns):
            line = turn_line(turn) + "\n"
            cost = count_tokens(line)
            if used + cost > budget_tokens:
                break
            used += cost
            lines.append(line)
        kept.append((session, lines[::-1]))
        if len(lines) < len(session.turns):
            break
    kept.reverse()
    return "\n".join(session_header(s) + "".join(lines) for s, lines in kept)


def fit_recent(blocks: Sequence[str], budget_tokens: int, sep: str = "\n\n") -> str:
    """The most recent ``blocks`` that fit ``budget_tokens``, in order (older ones dropped)."""
    kept: list[str] = []
    used = 0
    for block in reversed(blocks):
        cost = count_tokens(block + sep)
        if used + cost > budget_tokens:
            break
        used += cost
        kept.append(block)
    return sep.join(reversed(kept))
