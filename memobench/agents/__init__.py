"""The agent adapter interface, agent loading, and the baselines (in ``agents.baselines``)."""

from ._coerce import AdapterTypeError, coerce_answer, coerce_text
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
    "AdapterTypeError",
    "AgentContext",
    "AgentFactory",
    "Answer",
    "DialogueContext",
    "GeneratesTurns",
    "MemoryAgent",
    "Question",
    "RetrievedItem",
    "SummarizesEvents",
    "coerce_answer",
    "coerce_text",
    "resolve_agent",
    "turn_line",
]
