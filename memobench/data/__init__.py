"""The data model shared by loaders, agents, tasks and scorers."""

from ._models import (
    PAPER_ORDER,
    Conversation,
    Image,
    Observation,
    QACategory,
    QAItem,
    Session,
    SessionAnnotations,
    Turn,
    parse_turn_id,
)
from ._turns import turn_line

__all__ = [
    "PAPER_ORDER",
    "Conversation",
    "Image",
    "Observation",
    "QACategory",
    "QAItem",
    "Session",
    "SessionAnnotations",
    "Turn",
    "parse_turn_id",
    "turn_line",
]
