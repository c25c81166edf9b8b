"""The agent adapter interface and agent loading (the baselines live in ``memobench.baselines``)."""

from ..data import turn_line
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
