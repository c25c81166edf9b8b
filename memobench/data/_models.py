"""The memobench data model: conversations, sessions, turns and their annotations.

Every record is a frozen pydantic model. LoCoMo's ids are kept verbatim (``D3:5`` turn ids,
``conv-26`` sample ids) so results can be joined with any other LoCoMo tooling.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import IntEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

_FROZEN = ConfigDict(frozen=True, extra="forbid")

TURN_ID_RE = re.compile(r"^D(\d+):(\d+)$")


def parse_turn_id(dia_id: str) -> tuple[int, int] | None:
    """Return (session, turn) of a well-formed ``D<s>:<t>`` id, else None."""
    m = TURN_ID_RE.match(dia_id)
    return (int(m.group(1)), int(m.group(2))) if m else None


class QACategory(IntEnum):
    """LoCoMo's QA categories, carrying the dataset's own numbers.

    The numeric order is not the paper's column order; see ``docs`` and the loader's count check.
    """

    MULTI_HOP = 1
    TEMPORAL = 2
    OPEN_DOMAIN = 3
    SINGLE_HOP = 4
    ADVERSARIAL = 5

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")


#: The paper's column order (Table 2): single-hop, multi-hop, temporal, open-domain, adversarial.
PAPER_ORDER: tuple[QACategory, ...] = (
    QACategory.SINGLE_HOP,
    QACategory.MULTI_HOP,
    QACategory.TEMPORAL,
    QACategory.OPEN_DOMAIN,
    QACategory.ADVERSARIAL,
)


class Image(BaseModel):
    """An image shared in a turn. LoCoMo never ships pixels: the caption stands in for them."""

    model_config = _FROZEN
    url: str | None = None
    """Source URL (``img_url[0]``); absent for the 316 LoCoMo turns whose image was removed."""
    caption: str | None = None
    """BLIP caption (``blip_caption``), the text stand-in for the image."""
    query: str | None = None
    """The image-search query used when the dialogue was generated."""
    redownload: bool = False
    """LoCoMo's ``re-download`` flag."""


class Turn(BaseModel):
    """One utterance."""

    model_config = _FROZEN
    dia_id: str
    """Turn id, ``D<session>:<turn>`` (1-based)."""
    speaker: str
    """Speaker name."""
    text: str
    """What the speaker said."""
    image: Image | None = None
    """The shared image, if any."""


class Session(BaseModel):
    """One dated conversation session."""

    model_config = _FROZEN
    index: int
    """Session number, 1-based, as in ``session_<n>``."""
    date_time_raw: str
    """The date string as written in the data (e.g. ``1:56 pm on 8 May, 2023``)."""
    date_time: datetime
    """Parsed date and time (LoCoMo's ``12:xx am`` read as noon; see the load report)."""
    turns: tuple[Turn, ...]
    """The turns, in order."""


class Observation(BaseModel):
    """A fact about a speaker extracted from a session, with the turns it came from."""

    model_config = _FROZEN
    speaker: str
    """Whom the observation is about."""
    text: str
    """The observation."""
    evidence: tuple[str, ...]
    """Source turn ids (LoCoMo stores one id, a list, or a comma-joined string)."""


class SessionAnnotations(BaseModel):
    """Per-session annotations shipped with the dataset (RAG databases and event gold)."""

    model_config = _FROZEN
    index: int
    """Session number."""
    observations: tuple[Observation, ...] = ()
    """``observation.session_<n>_observation``."""
    summary: str | None = None
    """``session_summary.session_<n>_summary``."""
    events: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """``event_summary.events_session_<n>``: speaker → significant life events."""
    events_date: str | None = None
    """The ``date`` field of the event summary, as written."""


class QAItem(BaseModel):
    """One question with its gold annotations."""

    model_config = _FROZEN
    qa_id: str
    """Stable id ``<sample_id>:q<index in the sample's qa list>``."""
    question: str
    """The question text."""
    answer: str | None
    """Gold answer as text (integers cast with ``str``); None for category-5 items without one."""
    adversarial_answer: str | None = None
    """Category 5: the tempting wrong answer used as the distractor option."""
    category: QACategory
    """LoCoMo category."""
    evidence: tuple[str, ...]
    """Evidence turn ids after cleaning (split, ``D:`` fixed, zero-padding removed)."""
    evidence_raw: tuple[str, ...]
    """Evidence strings exactly as in the file (the official recall uses these)."""
    label: str | None = None
    """The dataset's own question type (LongMemEval ``question_type``, BEAM ability,
    ``cognitive``); None for LoCoMo, whose ``category`` is its own type. Never shown to agents."""
    asked_at: datetime | None = None
    """When the question is asked (LongMemEval ``question_date``, Locomo-Plus trigger time);
    None means after the last session."""
    gold: dict[str, Any] = Field(default_factory=dict)
    """Dataset-specific gold for its official scorer (rubric, original ids, cue); never shown."""

    @property
    def item_id(self) -> str:
        """The task-generic item id: the ``qa_id``."""
        return self.qa_id


class Conversation(BaseModel):
    """A multi-session dialogue between two speakers, with its annotations and questions."""

    model_config = _FROZEN
    sample_id: str
    """Dataset id, e.g. ``conv-26``."""
    speakers: tuple[str, str]
    """``speaker_a`` and ``speaker_b``."""
    sessions: tuple[Session, ...]
    """Sessions that have turns, in chronological order."""
    annotations: tuple[SessionAnnotations, ...] = ()
    """Per-session observations, summaries and events."""
    qa: tuple[QAItem, ...] = ()
    """Questions, in file order."""
    metadata: dict[str, Any] = Field(default_factory=dict)
    """Anything else (e.g. date-only sessions kept from the file)."""

    def turn_index(self) -> dict[str, Turn]:
        """Map turn id → turn."""
        return {t.dia_id: t for s in self.sessions for t in s.turns}

    def session(self, index: int) -> Session:
        for s in self.sessions:
            if s.index == index:
                return s
        raise KeyError(f"{self.sample_id} has no session {index}")

    def annotation(self, index: int) -> SessionAnnotations | None:
        for a in self.annotations:
            if a.index == index:
                return a
        return None

    @property
    def n_turns(self) -> int:
        return sum(len(s.turns) for s in self.sessions)
