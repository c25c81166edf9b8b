"""The load report: every quirk the loader repaired or kept, never a silent drop."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict, Field

#: Quirk kinds and what the loader does about each (documented in the README).
QUIRK_ACTIONS: dict[str, str] = {
    "cat5_without_answer": "kept: answer is None; category 5 is scored without it",
    "cat5_with_answer": "kept: the item has both answer and adversarial_answer",
    "integer_answer": "repaired: cast to str, as the official scorer does",
    "answer_whitespace": "kept: leading/trailing spaces (harmless after normalization)",
    "empty_evidence": "kept: no evidence ids (official recall counts it 0 in aggregates)",
    "malformed_evidence": "repaired in `evidence` (split on ;/,/space, 'D:'->'D'); raw kept",
    "unparseable_evidence": "dropped from `evidence`, kept in `evidence_raw` (a miss for recall)",
    "zero_padded_evidence": "repaired in `evidence` (D30:05 -> D30:5); raw kept",
    "missing_evidence_turn": "kept: a well-formed id that names no turn (unresolvable)",
    "duplicate_evidence_id": "deduplicated in `evidence`; raw keeps both (official recall)",
    "date_only_session": "kept in metadata['date_only_sessions']: a date without turns",
    "noon_written_as_am": "repaired: '12:xx am' parsed as 12:xx pm (generator bug)",
    "duplicate_qa": "kept (the official harness scores duplicates); dedupe with a flag",
    "contradictory_qa": "kept: the same question appears under two categories",
    "caption_without_image": "kept: caption shown without an image URL",
    "image_without_query": "kept: image URL without its search query",
    "observation_ids_list": "repaired: a list of ids",
    "observation_ids_joined": "repaired: a comma-joined id string split",
    # BEAM
    "anchor_on_message": "repaired: batch time_anchor null; the first user message's anchor used",
    "position_marker": "repaired: '->-> b,t' generator marker cut from the message (a leak)",
    # LongMemEval
    "session_renamed": "repaired: haystack session id replaced by a neutral S<n> (ids leak gold)",
    "has_answer_dropped": "repaired: has_answer removed from turns (its presence marks evidence)",
    "sessions_resorted": "repaired: haystack sessions sorted by date (the oracle is unsorted)",
    "evidence_after_question": "kept: an evidence session dated after question_date",
    # Locomo-Plus
    "gap_unparsed": "kept as upstream: an unparseable time_gap gives 0 days (cue before trigger)",
    "cue_line_dropped": "dropped as upstream: a cue line starting neither 'A:' nor 'B:'",
}


class Quirk(BaseModel):
    """One quirk found while loading."""

    model_config = ConfigDict(frozen=True)
    kind: str
    """A key of ``QUIRK_ACTIONS``."""
    sample_id: str
    """Which conversation."""
    where: str
    """Where in it (``qa[37]``, ``session_20``, ``D1:5``)."""
    detail: str = ""
    """What was seen."""


class LoadReport(BaseModel):
    """All quirks of one load."""

    file: str
    """The file loaded."""
    quirks: list[Quirk] = Field(default_factory=list)
    """Everything repaired or kept, in file order."""

    def add(self, kind: str, sample_id: str, where: str, detail: str = "") -> None:
        assert kind in QUIRK_ACTIONS, kind
        self.quirks.append(Quirk(kind=kind, sample_id=sample_id, where=where, detail=detail))

    def counts(self) -> dict[str, int]:
        return dict(Counter(q.kind for q in self.quirks))

    def of_kind(self, kind: str) -> list[Quirk]:
        return [q for q in self.quirks if q.kind == kind]
