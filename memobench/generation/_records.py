"""Records shared by the procedural and the LLM generator: personas and the event graph."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Persona(BaseModel):
    """One speaker: a name plus a free-text persona summary (LoCoMo's ``persona_summary``)."""

    model_config = _FROZEN
    name: str
    """First name, unique within a conversation."""
    persona_summary: str
    """Who the speaker is, in prose."""
    attributes: tuple[str, ...] = ()
    """The seed attributes (MSC "I ..." statements) the summary was written from, if any."""
    facts: dict[str, str] = Field(default_factory=dict)
    """Structured facts (procedural mode: age, job, city, pet, ...); empty in LLM mode."""
    likes: tuple[str, ...] = ()
    """Things the speaker enjoys (procedural mode)."""
    dislikes: tuple[str, ...] = ()
    """Things the speaker avoids (procedural mode)."""


class Event(BaseModel):
    """One node of a speaker's temporal event graph."""

    model_config = _FROZEN
    id: str
    """``E<n>``, unique per speaker."""
    text: str
    """The sub-event, written without the subject (``adopted a puppy named Max``)."""
    date: date
    """The day it happened."""
    caused_by: tuple[str, ...] = ()
    """Ids of earlier events that led to this one."""
    kind: str = ""
    """Template family (procedural mode); empty for LLM events."""
    slots: dict[str, str] = Field(default_factory=dict)
    """Template slot values (procedural mode), used to write exact QA gold."""


class EventGraphError(ValueError):
    """An event graph that is not a DAG whose causes precede their effects."""


def validate_event_graph(events: list[Event] | tuple[Event, ...]) -> None:
    """Raise ``EventGraphError`` unless ids are unique, causes exist and are strictly earlier.

    Causes must be dated strictly before their effects *and* appear earlier in the list; both
    together make a cycle impossible, so no separate cycle search is needed.
    """
    seen: dict[str, Event] = {}
    for ev in events:
        if ev.id in seen:
            raise EventGraphError(f"duplicate event id {ev.id}")
        for cause in ev.caused_by:
            if cause not in seen:
                raise EventGraphError(f"{ev.id} is caused by unknown or later event {cause}")
            if seen[cause].date >= ev.date:
                raise EventGraphError(
                    f"{ev.id} ({ev.date}) is not after its cause {cause} ({seen[cause].date})"
                )
        seen[ev.id] = ev


def drop_standalone(events: list[Event]) -> list[Event]:
    """Remove events with no cause and no effect (LoCoMo filters these out as well)."""
    has_child = {c for ev in events for c in ev.caused_by}
    return [ev for ev in events if ev.caused_by or ev.id in has_child]
