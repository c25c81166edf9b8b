"""Retrieval-bypass guards for the page header (the rules live in ``memobench.results``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..data import Conversation
from ..results import MAX_CONTEXT_SHARE, conversation_sizes, guard_warnings, retrieval_guards

__all__ = ["MAX_CONTEXT_SHARE", "run_guards"]


def run_guards(samples: Sequence[dict[str, Any]], convs: Sequence[Conversation]) -> list[str]:
    """Warnings for one run's QA samples (empty when nothing looks like a bypass)."""
    return guard_warnings(retrieval_guards(samples, conversation_sizes(convs)))
