"""The forgiving adapter contract: what an agent method may return, made into one shape.

``answer`` may return a ``str``, an :class:`Answer`, or a mapping with ``text`` and optional
``retrieved`` (and ``extra``); ``summarize_events`` and ``next_turn`` likewise (only the text
is used). Anything else fails that item, with a message naming the agent, the method, what it
returned and what is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ._protocol import Answer

ACCEPTED = "str, Answer, or a mapping with 'text' (str) and optional 'retrieved'/'extra'"


class AdapterTypeError(TypeError):
    """An agent method returned something the contract does not accept."""


def _fail(agent: Any, method: str, value: Any, why: str = "") -> AdapterTypeError:
    name = type(agent).__name__
    got = type(value).__name__
    return AdapterTypeError(f"{name}.{method}() returned {got}{why}; accepted: {ACCEPTED}")


def coerce_answer(value: Any, *, agent: Any, method: str = "answer") -> Answer:
    """``value`` as an :class:`Answer`, or :class:`AdapterTypeError`."""
    if isinstance(value, Answer):
        return value
    if isinstance(value, str):
        return Answer(text=value)
    if isinstance(value, Mapping):
        if not isinstance(value.get("text"), str):
            raise _fail(agent, method, value, " without a str 'text'")
        unknown = set(value) - {"text", "retrieved", "extra"}
        if unknown:
            raise _fail(agent, method, value, f" with unknown key(s) {sorted(unknown)}")
        try:
            return Answer.model_validate(dict(value))
        except ValidationError as exc:
            why = f" that is not an Answer ({exc.errors()[0]['msg']})"
            raise _fail(agent, method, value, why) from None
    raise _fail(agent, method, value)


def coerce_text(value: Any, *, agent: Any, method: str) -> str:
    """The text of what ``summarize_events``/``next_turn`` returned (None reads as empty)."""
    if value is None:  # kept from the old contract: "nothing to say"
        return ""
    return coerce_answer(value, agent=agent, method=method).text
