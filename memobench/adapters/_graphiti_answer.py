"""``answer_with="system"``: the answer prompt of Zep's published LoCoMo evaluation.

Zep's own LoCoMo run (getzep/zep ``benchmarks/locomo_eval``) formats the retrieved facts with
their event times and the retrieved entities with their summaries in one context block, and
asks the model to answer from it, reading timestamps as the time the event happened. This is
that layout and those instructions in memobench's own words (not a verbatim copy), sent to
memobench's reader; answers made with it are labelled ``answered_by: "zep-locomo-prompt"``
so they are never mistaken for the equal-reader protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

INSTRUCTIONS = """\
Answer the question from the facts and entities of a conversation below.
- Each fact carries the time the event it describes happened (not when it was mentioned);
  use it to resolve relative times ("yesterday", "last week") into dates.
- If facts contradict each other, prefer the most recent one.
- Be specific about people, places and events; answer in a short phrase."""


def system_prompt(edges: Sequence[Any], nodes: Sequence[Any], question: str) -> str:
    """Facts (``fact (event_time: ...)``), entities (``name: summary``), the question."""
    facts = "\n".join(f"  - {e.fact} (event_time: {e.valid_at})" for e in edges)
    entities = "\n".join(f"  - {n.name}: {n.summary}" for n in nodes)
    return (
        f"{INSTRUCTIONS}\n\n<FACTS>\n{facts}\n</FACTS>\n\n<ENTITIES>\n{entities}\n</ENTITIES>\n\n"
        f"Question: {question}\nAnswer:"
    )
