"""Descriptive statistics of a loaded dataset (what ``memobench datasets inspect`` prints)."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict

from ..data import Conversation

#: Words → tokens factor used by the LoCoMo reference for its token estimates.
TOKENS_PER_WORD = 1.3


class ConversationStats(BaseModel):
    """Size of one conversation."""

    model_config = ConfigDict(frozen=True)
    sample_id: str
    """Conversation id."""
    speakers: tuple[str, str]
    """The two speakers."""
    sessions: int
    """Sessions with turns."""
    turns: int
    """Turns."""
    words: int
    """Whitespace words of all turn texts."""
    approx_tokens: int
    """``words × 1.3`` (the estimate the LoCoMo paper's numbers match)."""
    image_turns: int
    """Turns with an image URL."""
    caption_turns: int
    """Turns with a caption (with or without URL)."""
    qa_by_category: dict[str, int]
    """QA items per category number."""
    span_days: int
    """Days from the first to the last session."""


def conversation_stats(c: Conversation) -> ConversationStats:
    words = sum(len(t.text.split()) for s in c.sessions for t in s.turns)
    turns = [t for s in c.sessions for t in s.turns]
    cats = Counter(int(q.category) for q in c.qa)
    span = (c.sessions[-1].date_time - c.sessions[0].date_time).days if c.sessions else 0
    return ConversationStats(
        sample_id=c.sample_id,
        speakers=c.speakers,
        sessions=len(c.sessions),
        turns=len(turns),
        words=words,
        approx_tokens=round(words * TOKENS_PER_WORD),
        image_turns=sum(1 for t in turns if t.image and t.image.url),
        caption_turns=sum(1 for t in turns if t.image and t.image.caption),
        qa_by_category={str(k): cats.get(k, 0) for k in range(1, 6)},
        span_days=span,
    )
