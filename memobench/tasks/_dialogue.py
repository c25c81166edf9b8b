"""The dialogue-generation task (LoCoMo §4.3, text-only): generate a session's next turn.

Items are every image-sharing turn (a turn whose ``image.caption`` is set: the caption is what
stands in for the unreleased pixels; 1226 turns in locomo10, vs 910 with an ``img_url``) plus an
optional seeded sample of text turns. The first turn of a session is never an item (nothing to
continue). Known limitation: the runner ingests *all* sessions before asking, so an agent's
memory may hold later sessions; the baselines restrict themselves to earlier sessions, other
agents are trusted to (see notes/tasks.md).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from typing import Any

from .._util.aio import call
from ..agents import coerce_text
from ..data import Conversation, Session, Turn
from ..results import SampleRecord
from ._prompts import VersionedTask, load_task_spec

TASK = "dialogue"
DIALOGUE_SCORING_VERSION = "dialogue-1"
#: Reply budget of a generated turn.
TURN_TOKENS = 64


@dataclasses.dataclass(frozen=True)
class TurnItem:
    """One item: generate turn ``position`` of session ``session_index``."""

    item_id: str
    """``<sample_id>:turn:<dia_id>``."""
    dia_id: str
    """Gold turn id."""
    session_index: int
    """Session of the gold turn."""
    position: int
    """0-based position of the gold turn in its session (≥ 1)."""
    speaker: str
    """Gold speaker."""
    listener: str
    """The other speaker."""
    caption: str | None
    """Caption of the image the gold turn shares (None for text turns)."""
    gold: str
    """Gold turn text."""


def _item(conv: Conversation, session: Session, pos: int, turn: Turn) -> TurnItem:
    a, b = conv.speakers
    caption = turn.image.caption if turn.image is not None and turn.image.caption else None
    return TurnItem(
        item_id=f"{conv.sample_id}:turn:{turn.dia_id}",
        dia_id=turn.dia_id,
        session_index=session.index,
        position=pos,
        speaker=turn.speaker,
        listener=b if turn.speaker == a else a,
        caption=caption,
        gold=turn.text,
    )


def prior_session(context_session: Session, sessions: Sequence[Session]) -> list[Session]:
    """Sessions strictly before the current one: the only memory a turn may use."""
    return [s for s in sessions if s.index < context_session.index]


def session_of(dia_id: str) -> int | None:
    """Session number of a turn id ``D3:5`` (or session id ``S3``)."""
    head = dia_id.split(":", 1)[0].lstrip("DS")
    return int(head) if head.isdigit() else None


def turn_prompt(context: Any, *, memory: str = "") -> str:
    """The baselines' prompt (``tasks/dialogue/next_turn.txt``) for a ``DialogueContext``."""
    from ..data import turn_line

    transcript = "".join(turn_line(t) + "\n" for t in context.session.turns)
    image = (
        f" {context.speaker} also shares a photo: [shares {context.image_caption}]"
        if context.image_caption
        else ""
    )
    return (
        load_task_spec(TASK)
        .prompt("next_turn")
        .render(
            memory=(memory.strip() + "\n\n") if memory.strip() else "",
            date=context.session.date_time_raw,
            speaker=context.speaker,
            listener=context.listener,
            transcript=transcript,
            image=image,
        )
    )


def clean_turn(reply: str) -> str:
    """Strip the closing quote the prompt's open quote invites."""
    text = reply.strip()
    if text.startswith('"'):  # a chat model may repeat the opening quote
        text = text[1:]
    if '"' in text:
        text = text.split('"', 1)[0]
    return text.strip()


class DialogueTask(VersionedTask):
    name = TASK
    scoring_version = DIALOGUE_SCORING_VERSION
    main_metric = "rougeL"

    def items(
        self, conv: Conversation, *, limit: int | None, options: dict[str, Any]
    ) -> list[TurnItem]:
        """Image turns, then ``text_turns`` (default 0) seeded text turns; capped by
        ``max_items``/``limit`` keeping image turns first; returned in dialogue order."""
        image: list[TurnItem] = []
        text: list[TurnItem] = []
        for session in conv.sessions:
            for pos, turn in enumerate(session.turns):
                if pos == 0:
                    continue
                item = _item(conv, session, pos, turn)
                (image if item.caption else text).append(item)
        n_text = int(options.get("text_turns", 0) or 0)
        rng = random.Random(f"{options.get('seed', 0)}:{conv.sample_id}:dialogue")
        chosen = image + (rng.sample(text, min(n_text, len(text))) if n_text else [])
        for cap in (options.get("max_items"), limit):
            if cap is not None:
                chosen = chosen[: int(cap)]
        order = {
            (s.index, p): k
            for k, (s, p) in enumerate((s, p) for s in conv.sessions for p in range(len(s.turns)))
        }
        return sorted(chosen, key=lambda i: order[(i.session_index, i.position)])

    def due_after(self, conv: Conversation, item: TurnItem) -> int:
        """Asked once the sessions before the turn's own are ingested: memory holds no future."""
        return item.session_index - 1

    async def ask(
        self, agent: Any, conv: Conversation, item: TurnItem, *, options: dict[str, Any]
    ) -> dict[str, Any]:
        from ..agents import DialogueContext

        extra: dict[str, Any] = {"image": item.caption is not None}
        hook = getattr(agent, "next_turn", None)
        if hook is None:
            return {"prediction": "", "retrieved": None, "extra": {**extra, "unsupported": True}}
        session = conv.session(item.session_index)
        truncated = session.model_copy(update={"turns": session.turns[: item.position]})
        context = DialogueContext(
            session=truncated,
            speaker=item.speaker,
            listener=item.listener,
            image_caption=item.caption,
        )
        reply = await call(hook, context, now=session.date_time)
        text = coerce_text(reply, agent=agent, method="next_turn")
        return {"prediction": text.strip(), "retrieved": None, "extra": extra}

    def score(
        self,
        conversations: Sequence[Conversation],
        answers: dict[str, dict[str, Any]],
        *,
        options: dict[str, Any],
    ) -> list[SampleRecord]:
        from ..llm import get_embedder
        from ..scoring.text import bleu_scores, get_bert_scorer, mm_relevance_many, rouge_scores

        pairs: list[tuple[Conversation, TurnItem, dict[str, Any]]] = [
            (conv, item, answers[item.item_id])
            for conv in conversations
            for item in self.items(conv, limit=options.get("limit"), options=options)
            if item.item_id in answers and answers[item.item_id].get("prediction") is not None
        ]
        if not pairs:
            return []
        preds = [rec["prediction"] for _, _, rec in pairs]
        bert = get_bert_scorer(options.get("bertscore", "auto")).score(
            preds, [i.gold for _, i, _ in pairs]
        )
        embed = get_embedder("local:minilm").embed
        img = [k for k, (_, i, _) in enumerate(pairs) if i.caption]
        mm = dict(
            zip(
                img,
                mm_relevance_many(
                    [preds[k] for k in img], [pairs[k][1].caption or "" for k in img], embed
                ),
                strict=True,
            )
        )
        out = []
        for k, (conv, item, rec) in enumerate(pairs):
            b = bleu_scores(preds[k], item.gold)
            scores: dict[str, float | None] = {
                "bleu1": b["bleu1"],
                "bleu2": b["bleu2"],
                "rougeL": rouge_scores(preds[k], item.gold)["rougeL"],
                "bertscore_f1": bert.f1[k],
                # Proxy for MMDialog's CLIP MM-Relevance: caption-text cosine; image turns only.
                "mm_relevance": mm.get(k),
            }
            extra = {
                **rec.get("extra", {}),
                "gold": item.gold,
                "bertscore_model": bert.model,
                "bertscore_implementation": bert.implementation,
            }
            if item.caption:
                extra["caption"] = item.caption
            out.append(
                SampleRecord(
                    task=TASK,
                    item_id=item.item_id,
                    conversation_id=conv.sample_id,
                    prediction=preds[k],
                    scores=scores,
                    extra=extra,
                )
            )
        return out
