"""LLM mode sessions: dates placed between events, then two agents talking turn by turn."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from ._dates import format_event_date, format_session_datetime
from ._llmcall import Caller
from ._prompts import Prompts
from ._records import Event, Persona

_SHARE = re.compile(r"\[([^\]]*shar[^\]]*)\]", re.IGNORECASE)


def next_session_time(
    rng: random.Random,
    events: dict[str, list[Event]],
    prev: datetime | None,
    per_session: int,
) -> datetime | None:
    """LoCoMo's rule: each speaker's stop day is its ``per_session``-th event after the previous
    session (or its last one); the session is 1-2 days after the earlier stop. None when
    neither speaker has events left."""
    stops = []
    for evs in events.values():
        later = [e.date for e in evs if prev is None or e.date > prev.date()]
        if later:
            stops.append(later[min(per_session, len(later)) - 1])
    if not stops:
        return None
    day = min(stops) + timedelta(days=rng.randint(1, 2))
    minute = rng.randrange(9 * 60, 22 * 60)
    return datetime.combine(day, time(minute // 60, minute % 60))


def window_events(evs: list[Event], prev: datetime | None, now: datetime) -> list[Event]:
    return [e for e in evs if (prev is None or e.date > prev.date()) and e.date <= now.date()]


def _overlap(a: str, b: str) -> float:
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(wa & wb) / (len(wa | wb) or 1)


def retrieve(memory: list[tuple[str, str]], query: str, k: int = 2) -> list[str]:
    """Token-overlap top-k over earlier observations (``(date, fact)``), best first."""
    ranked = sorted(memory, key=lambda m: -_overlap(m[1], query))
    return [f"{d}: {f}" for d, f in ranked[:k]]


@dataclass(frozen=True)
class SessionContext:
    """What the agents know when a session starts."""

    index: int
    """Session number."""
    when: datetime
    """Session date and time."""
    prev: datetime | None
    """Previous session's date and time."""
    summary: str
    """Summary of all earlier sessions."""
    events: dict[str, list[Event]]
    """Each speaker's events since the previous session."""
    memory: dict[str, list[tuple[str, str]]]
    """Each speaker's observations from earlier sessions."""


async def talk(
    caller: Caller,
    prompts: Prompts,
    personas: tuple[Persona, Persona],
    ctx: SessionContext,
    rng: random.Random,
    *,
    max_turns: int,
) -> list[dict[str, Any]]:
    """Generate one session's turns; stops at ``max_turns`` or when both said ``[END]``."""
    by_name = {p.name: p for p in personas}
    names = [p.name for p in personas]
    speaker = rng.choice(names)
    end_from = max_turns if max_turns <= 10 else rng.randint(10, max_turns - 1)
    ended: set[str] = set()
    turns: list[dict[str, Any]] = []
    for i in range(max_turns):
        other = names[1] if speaker == names[0] else names[0]
        if ctx.prev is None:
            situation = (
                f"{speaker} is meeting {other} for the first time. Today is "
                f"{format_session_datetime(ctx.when)}."
            )
        else:
            situation = (
                f"{speaker} last talked to {other} on "
                f"{format_session_datetime(ctx.prev)}. Today is "
                f"{format_session_datetime(ctx.when)}."
            )
        events = (
            "\n".join(f"On {format_event_date(e.date)}, {e.text}" for e in ctx.events[speaker])
            or "(nothing new)"
        )
        last = turns[-1]["text"] if turns else ""
        memory = "\n".join(retrieve(ctx.memory[speaker], last)) if last else ""
        transcript = "\n".join(f"{t['speaker']}: {_shown(t)}" for t in turns[-12:])
        prompt = prompts.render(
            "turn",
            speaker=speaker,
            other=other,
            persona=by_name[speaker].persona_summary,
            situation=situation,
            summary=ctx.summary or "(first conversation)",
            events=events,
            memory=memory or "(nothing yet)",
            transcript=transcript or "(start the conversation)",
            ending="To end the conversation, write [END] at the end of your message.\n"
            if i >= end_from
            else "",
        )
        reply = await caller.text(prompt, max_tokens=100)
        line = next((ln for ln in reply.strip().splitlines() if ln.strip()), "")
        line = re.sub(rf"^\s*{re.escape(speaker)}\s*:\s*", "", line).strip()
        if "[END]" in line:
            ended.add(speaker)
            line = line.replace("[END]", "").strip()
        turn: dict[str, Any] = {"speaker": speaker, "dia_id": f"D{ctx.index}:{len(turns) + 1}"}
        share = _SHARE.search(line)
        if share:
            caption = re.sub(
                r"^\s*shares?\s+(an?\s+)?(photo|picture|image)?\s*(of\s+)?",
                "",
                share.group(1),
                flags=re.IGNORECASE,
            ).strip() or share.group(1)
            query = (
                (await caller.text(prompts.render("image_query", caption=caption), max_tokens=20))
                .strip()
                .splitlines()
            )
            line = _SHARE.sub("", line).strip()
            turn["img_url"] = [f"virtual://{ctx.index}/{turn['dia_id']}"]
            turn["blip_caption"] = f"a photo of {caption}"
            turn["query"] = (query[0] if query else caption).strip().strip('"')[:80]
        turn["text"] = line
        if line or "blip_caption" in turn:
            turns.append(turn)
        if ended >= set(names):
            break
        speaker = other
    return turns


def _shown(turn: dict[str, Any]) -> str:
    if "blip_caption" in turn:
        return f"{turn['text']} [shares {turn['blip_caption']}]"
    return turn["text"]


def session_transcript(turns: list[dict[str, Any]]) -> str:
    """One line per turn with its id, as the annotation prompts expect."""
    return "\n".join(f'[{t["dia_id"]}] {t["speaker"]} said, "{_shown(t)}"' for t in turns)


def discussed(events: list[Event], turns: list[dict[str, Any]], speaker: str) -> list[Event]:
    """Events the speaker actually talked about (content-word overlap with their turns)."""
    said = " ".join(t["text"] for t in turns if t["speaker"] == speaker).lower()
    words = set(re.findall(r"\w+", said))
    out = []
    for e in events:
        content = {w for w in re.findall(r"\w+", e.text.lower()) if len(w) > 3}
        if content and len(content & words) / len(content) >= 0.5:
            out.append(e)
    return out
