"""Retrieval-bypass guards: a "memory" that hands the reader most of the conversation is
long-context in disguise, and its score says nothing about retrieval."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..data import Conversation, parse_turn_id

#: Flag a run whose mean retrieved share of its conversation's turns exceeds this.
MAX_CONTEXT_SHARE = 0.25
_SESSION_ID = re.compile(r"^(?:S|D|session_?)(\d+)$")


def _turns_covered(conv: Conversation, ids: Iterable[str]) -> int:
    """Turns of ``conv`` a retrieved list covers (a session id covers its whole session)."""
    sizes = {s.index: len(s.turns) for s in conv.sessions}
    turns: set[str] = set()
    n = 0
    for rid in ids:
        if parse_turn_id(rid) is not None:
            turns.add(rid)
        elif (m := _SESSION_ID.match(rid)) is not None:
            n += sizes.get(int(m.group(1)), 0)
    return n + len(turns)


def run_guards(samples: Sequence[dict[str, Any]], convs: Sequence[Conversation]) -> list[str]:
    """Warnings for one run's QA samples (empty when nothing looks like a bypass)."""
    by_id = {c.sample_id: c for c in convs}
    shares: list[float] = []
    top_k_hits = 0
    n = 0
    for s in samples:
        conv = by_id.get(s.get("conversation_id", ""))
        ret = s.get("retrieved")
        if s.get("task") != "qa" or ret is None or conv is None:
            continue
        n += 1
        total = sum(len(x.turns) for x in conv.sessions)
        if total:
            shares.append(_turns_covered(conv, ret) / total)
        if len(ret) >= len(conv.sessions):
            top_k_hits += 1
    out = []
    if shares and (mean := sum(shares) / len(shares)) > MAX_CONTEXT_SHARE:
        out.append(
            f"retrieved context is {mean:.0%} of the conversation on average "
            f"(> {MAX_CONTEXT_SHARE:.0%}): retrieval may be bypassed"
        )
    if top_k_hits:
        out.append(
            f"{top_k_hits}/{n} questions retrieved at least as many items as the conversation "
            "has sessions: top-k reaches the whole history"
        )
    return out
