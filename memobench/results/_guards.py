"""Retrieval-bypass guards: a "memory" that hands the reader most of the conversation is
long-context in disguise, and its score says nothing about retrieval.

A pure function of the QA samples and the size of each conversation (turns per session), so
``results.json`` records both and ``leaderboard verify`` recomputes the block from the samples.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..data import Conversation, parse_turn_id

#: Flag a run whose mean retrieved share of its conversation's turns exceeds this.
MAX_CONTEXT_SHARE = 0.25
#: The run's mean retrieved share of the conversation is above :data:`MAX_CONTEXT_SHARE`.
FLAG_CONTEXT_SHARE = "retrieval_bypass_context_share"
#: Some question retrieved as many units as its conversation holds: at least as many session
#: ids as it has sessions, or at least as many turn ids as it has turns.
FLAG_TOP_K_SESSIONS = "retrieval_bypass_top_k"
#: Some question's retrieved list is empty: its system cited no id of the conversation (LoCoMo's
#: official recall scores such a question 1.0, so the recall column says nothing about it).
FLAG_NO_IDS = "retrieval_no_ids"
_SESSION_ID = re.compile(r"^(?:S|D|session_?)(\d+)$")


def _get(s: Any, name: str) -> Any:
    return s.get(name) if isinstance(s, Mapping) else getattr(s, name)


def conversation_sizes(convs: Iterable[Conversation]) -> dict[str, dict[str, int]]:
    """Conversation id → session index (as text) → number of turns."""
    return {c.sample_id: {str(s.index): len(s.turns) for s in c.sessions} for c in convs}


def context_share(retrieved: Sequence[str], sessions: Mapping[str, int]) -> float:
    """Share of a conversation's turns that ``retrieved`` covers (a session id covers its
    whole session; a turn inside a covered session is not counted twice)."""
    total = sum(sessions.values())
    if not total:
        return 0.0
    whole = {m.group(1) for r in retrieved if (m := _SESSION_ID.match(r))}
    whole = {s for s in whole if s in sessions}
    turns = {t for r in retrieved if (t := parse_turn_id(r)) is not None}
    turns = {t for t in turns if str(t[0]) not in whole}
    return min(1.0, (sum(sessions[s] for s in whole) + len(turns)) / total)


def reaches_whole_history(retrieved: Sequence[str], sessions: Mapping[str, int]) -> bool:
    """Whether a question's top-k is as large as its conversation, unit for unit: session ids
    against the number of sessions, every other id (turns) against the number of turns. (A
    turn-level top-k of 10 on a BEAM chat of 3 sessions and hundreds of turns does not.)"""
    n_sessions = sum(1 for r in retrieved if _SESSION_ID.match(r))
    if n_sessions and n_sessions >= len(sessions):
        return True
    n_other = len(retrieved) - n_sessions
    return bool(n_other) and n_other >= sum(sessions.values())


def retrieval_guards(
    samples: Iterable[Any], sizes: Mapping[str, Mapping[str, int]]
) -> dict[str, Any] | None:
    """The guard block of a run's QA samples; None when no QA sample retrieved anything.

    ``{"max_context_share", "n", "mean_context_share", "max_share_seen",
    "n_top_k_reaches_sessions", "conversations", "flags"}``; ``conversations`` holds the sizes
    of the conversations used, so the block can be recomputed from the samples alone.
    """
    shares: list[float] = []
    top_k_hits = no_ids = 0
    used: set[str] = set()
    for s in samples:
        ret, conv = _get(s, "retrieved"), _get(s, "conversation_id")
        if _get(s, "task") != "qa" or ret is None or conv not in sizes:
            continue
        used.add(conv)
        shares.append(context_share(ret, sizes[conv]))
        no_ids += not ret
        if reaches_whole_history(ret, sizes[conv]):
            top_k_hits += 1
    if not shares:
        return None
    mean = sum(shares) / len(shares)
    flags = []
    if mean > MAX_CONTEXT_SHARE:
        flags.append(FLAG_CONTEXT_SHARE)
    if top_k_hits:
        flags.append(FLAG_TOP_K_SESSIONS)
    if no_ids:
        flags.append(FLAG_NO_IDS)
    block = {
        "max_context_share": MAX_CONTEXT_SHARE,
        "n": len(shares),
        "mean_context_share": mean,
        "max_share_seen": max(shares),
        "n_top_k_reaches_sessions": top_k_hits,
        "conversations": {c: dict(sizes[c]) for c in sorted(used)},
        "flags": flags,
    }
    if no_ids:  # only when there are some: blocks recorded before the key stay as they were
        block["n_no_ids"] = no_ids
    return block


def guard_warnings(block: Mapping[str, Any] | None) -> list[str]:
    """The block as sentences for a person (empty when nothing looks like a bypass)."""
    if not block:
        return []
    out = []
    if FLAG_CONTEXT_SHARE in block["flags"]:
        out.append(
            f"retrieved context is {block['mean_context_share']:.0%} of the conversation on "
            f"average (> {block['max_context_share']:.0%}): retrieval may be bypassed"
        )
    if FLAG_TOP_K_SESSIONS in block["flags"]:
        out.append(
            f"{block['n_top_k_reaches_sessions']}/{block['n']} questions retrieved as many units "
            "as the conversation holds (sessions or turns): top-k reaches the whole history"
        )
    if FLAG_NO_IDS in block["flags"]:
        out.append(
            f"{block['n_no_ids']}/{block['n']} questions retrieved no id of the conversation: "
            "LoCoMo's official recall scores each of them 1.0 (its rule for an empty context), "
            "so read recall@k for this run"
        )
    return out
