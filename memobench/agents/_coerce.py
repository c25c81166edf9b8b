"""What an agent's methods may return, and the one place that turns it into an ``Answer``.

Third-party authors write the simplest thing that works, so ``answer()`` may return a plain
``str``, an :class:`Answer`, or a mapping with ``text`` (and optional ``retrieved``, ``extra``);
``summarize_events`` and ``next_turn`` likewise. Anything else fails that one item with a message
that says who returned what, and what would have been accepted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import MemobenchError
from ._protocol import Answer, RetrievedItem

ACCEPTED = "str, memobench.agents.Answer, or a mapping with 'text' (and optional 'retrieved')"


class AgentReturnError(MemobenchError, TypeError):
    """An agent method returned something memobench cannot read (fails that item only)."""


def _fail(agent: str, method: str, value: object, why: str = "") -> AgentReturnError:
    shown = repr(value)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    extra = f" ({why})" if why else ""
    return AgentReturnError(
        f"agent {agent!r}: {method}() returned {type(value).__name__} {shown}{extra}; "
        f"accepted: {ACCEPTED}"
    )


def _retrieved(value: object, agent: str, method: str) -> tuple[RetrievedItem, ...] | None:
    if value is None:
        return None
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise _fail(agent, method, value, "'retrieved' must be a list")
    out = []
    for item in value:
        if isinstance(item, RetrievedItem):
            out.append(item)
        elif isinstance(item, Mapping):
            try:
                out.append(RetrievedItem.model_validate(dict(item)))
            except ValueError as exc:
                raise _fail(agent, method, item, f"bad retrieved item: {exc}") from None
        elif isinstance(item, str):  # a bare turn id such as "D3:5"
            out.append(RetrievedItem(text="", source_ids=(item,)))
        else:
            raise _fail(agent, method, item, "retrieved items are RetrievedItem, mappings or ids")
    return tuple(out)


def coerce_answer(value: object, *, agent: str, method: str = "answer") -> Answer:
    """``value`` as an :class:`Answer`, or :class:`AgentReturnError`."""
    if isinstance(value, Answer):
        return value
    if isinstance(value, str):
        return Answer(text=value)
    if isinstance(value, Mapping):
        text = value.get("text")
        if not isinstance(text, str):
            raise _fail(agent, method, value, "'text' must be a str")
        extra: Any = value.get("extra") or {}
        if not isinstance(extra, Mapping):
            raise _fail(agent, method, value, "'extra' must be a mapping")
        return Answer(
            text=text,
            retrieved=_retrieved(value.get("retrieved"), agent, method),
            extra=dict(extra),
        )
    raise _fail(agent, method, value)


def coerce_text(value: object, *, agent: str, method: str) -> str:
    """The text of what ``summarize_events``/``next_turn`` returned (``None`` reads as "")."""
    if value is None:
        return ""
    return coerce_answer(value, agent=agent, method=method).text.strip()
