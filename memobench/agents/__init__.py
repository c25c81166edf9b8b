"""The agent adapter interface and agent loading (the baselines live in ``memobench.baselines``)."""

from ..data import turn_line
from ._context import AgentContext
from ._loading import AgentFactory, resolve_agent
from ._protocol import (
    Answer,
    DialogueContext,
    GeneratesTurns,
    MemoryAgent,
    Question,
    RetrievedItem,
    SummarizesEvents,
)

__all__ = [
    "AgentContext",
    "AgentFactory",
    "Answer",
    "DialogueContext",
    "GeneratesTurns",
    "MemoryAgent",
    "Question",
    "RetrievedItem",
    "SummarizesEvents",
    "resolve_agent",
    "turn_line",
]
