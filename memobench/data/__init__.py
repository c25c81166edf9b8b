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
]
