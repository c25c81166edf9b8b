"""Observations and session summaries: from the dataset when present, else generated."""

from __future__ import annotations

import re

from .._util.tokens import count_tokens
from ..agents import AgentContext
from ..data import Observation, Session, turn_line
from ..tasks import load_task_spec
from ._reader import context_window, read
from ._serialize import fit_recent

#: Reply budget of a session summary (tokens).
SUMMARY_REPLY = 256

_OBS_LINE = re.compile(r"^\s*[-*]?\s*(?P<speaker>[^:]+):\s*(?P<fact>.+?)\s*\[(?P<ids>[^\]]+)\]\s*$")


def session_block(session: Session, *, with_ids: bool = False) -> str:
    return "\n".join((f"[{t.dia_id}] " if with_ids else "") + turn_line(t) for t in session.turns)


async def session_observations(context: AgentContext, session: Session) -> tuple[Observation, ...]:
    """The dataset's observations for ``session``, or ones the reader extracts."""
    ann = context.annotations.annotation(session.index) if context.annotations else None
    if ann is not None and ann.observations:
        return ann.observations
    prompt = (
        load_task_spec("qa")
        .prompt("observations")
        .render(date=session.date_time_raw, session=session_block(session, with_ids=True))
    )
    reply = await read(context, prompt, max_tokens=500, multiline=True)
    known = {t.dia_id for t in session.turns}
    out = []
    for line in reply.splitlines():
        m = _OBS_LINE.match(line)
        if not m:
            continue
        ids = tuple(i.strip() for i in m.group("ids").split(",") if i.strip() in known)
        if ids:
            out.append(
                Observation(speaker=m.group("speaker").strip(), text=m.group("fact"), evidence=ids)
            )
    return tuple(out)


async def session_summary(
    context: AgentContext,
    session: Session,
    previous: list[tuple[str, str]],
    *,
    use_dataset: bool = True,
) -> str:
    """The dataset's summary of ``session``, or a dated summary written given earlier ones."""
    ann = context.annotations.annotation(session.index) if context.annotations else None
    if use_dataset and ann is not None and ann.summary:
        return ann.summary
    a, b = context.speakers
    template = load_task_spec("qa").prompt("session_summary")
    fields = dict(speaker_a=a, speaker_b=b, date=session.date_time_raw, session="")
    room = context_window(context.reader_spec) - SUMMARY_REPLY - 50
    room -= count_tokens(template.render(previous="", **fields))
    # A session longer than the window (a BEAM batch: ~25K tokens) keeps its latest lines.
    block = session_block(session)
    if count_tokens(block) > room:
        block = fit_recent(block.split("\n"), max(room, 0), sep="\n")
    fields["session"] = block
    room -= count_tokens(block)
    # Earlier summaries fill what the reader's window leaves; the oldest go first when it is full.
    prev = fit_recent([f"{d}: {s}" for d, s in previous], max(room, 0), sep="\n") or "(none)"
    prompt = template.render(previous=prev, **fields)
    return await read(context, prompt, max_tokens=SUMMARY_REPLY, multiline=True)
