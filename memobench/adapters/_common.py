"""What every memory-system adapter shares: turn rendering, perspectives, the equal reader.

Equal-reader protocol (the reader call is the baselines' own ``read``): by default an adapter answers with the system's retrieval and
memobench's reader and task prompt (the retrieved memories, one per line, then the task's
instruction), so systems are compared on what they remember, not on their prompts.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..agents import AgentContext, Answer, Question, RetrievedItem
from ..baselines import read
from ..data import Session, Turn
from ..errors import ConfigError, PluginError

if TYPE_CHECKING:
    from ..gateway import GatewayLease

#: SDK-side HTTP timeout, beyond any call the runner lets an item make: the LLM layer behind
#: the gateway times out and retries; an SDK that gives up first only duplicates requests.
SDK_TIMEOUT_S = 3600.0

Perspective = Literal["single", "both"]
AnswerWith = Literal["reader", "system"]


def require(module: str, extra: str) -> None:
    """Fail at construction, with the install line, when the system's SDK is missing."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise PluginError(f"the {extra!r} adapter needs its SDK: pip install 'memobench[{extra}]'")


def check_choice(name: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ConfigError(f"option {name}={value!r}: use one of {', '.join(allowed)}")


def fresh_state_dir(work_dir: Path, name: str) -> Path:
    """The adapter's state directory for this conversation, emptied: a resumed run
    re-ingests (from the cache) instead of doubling what an earlier attempt stored."""
    path = work_dir / name
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def turn_text(turn: Turn, date: str) -> str:
    """``[<session date>] [<turn id>] <speaker>: <text>`` (+ the shared image's caption).

    The date is in the text because most systems ground extraction on the wall clock; the id
    lets systems that copy tags (LangMem) keep provenance.
    """
    text = f"[{date}] [{turn.dia_id}] {turn.speaker}: {turn.text}"
    if turn.image is not None and turn.image.caption:
        text += f" [shares {turn.image.caption}]"
    return text


@dataclass(frozen=True)
class View:
    """One ingestion perspective: whose memory (``user_id``) and who plays the user role."""

    user_id: str
    """The system's namespace for this perspective."""
    speaker: str | None
    """The speaker mapped to ``role: user`` (None: every turn is the user's)."""

    def role(self, turn: Turn) -> Literal["user", "assistant"]:
        return "user" if self.speaker is None or turn.speaker == self.speaker else "assistant"


def views(context: AgentContext, perspective: Perspective) -> list[View]:
    """``single``: one namespace per conversation; ``both``: one per speaker, roles mirrored
    (how peer harnesses ingest LoCoMo for user-centric systems)."""
    conv = context.conversation_id
    if perspective == "single":
        return [View(user_id=conv, speaker=None)]
    a, b = context.speakers
    return [View(user_id=f"{conv}:{a}", speaker=a), View(user_id=f"{conv}:{b}", speaker=b)]


def batches(session: Session, size: int) -> list[list[Turn]]:
    """The session's turns in groups of ``size`` (0: the whole session in one group)."""
    turns = list(session.turns)
    if size <= 0:
        return [turns] if turns else []
    return [turns[i : i + size] for i in range(0, len(turns), size)]


def reader_prompt(items: Sequence[RetrievedItem], question: Question) -> str:
    return "\n".join(i.text for i in items) + "\n\n" + question.instruction


async def answer_by_reader(
    context: AgentContext,
    lease: GatewayLease,
    items: Sequence[RetrievedItem],
    question: Question,
) -> Answer:
    """The equal-reader answer: the system's retrieved items, then the task's instruction, to
    memobench's reader; the answer records which model served the lease's calls (and, where
    an embedded model served them, the JSON bounds it was held to)."""
    text = await read(context, reader_prompt(items, question))
    return Answer(
        text=text,
        retrieved=tuple(items),
        extra={"answered_by": "memobench-reader", **lease.record()},
    )
