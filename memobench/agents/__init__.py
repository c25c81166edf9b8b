"""The agent adapter interface, agent loading, and the baselines (in ``agents.baselines``)."""

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
    turn_line,
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
