"""Procedural mode: a seeded template generator whose QA gold is exact by construction.

No model is called. Each conversation draws from its own ``random.Random`` seeded with
``(seed, conversation index)``, so conversation *i* is identical whatever ``--conversations``
is, and the same seed always gives the same bytes. Sessions are produced one at a time
(``ProceduralConversation.sessions()``) so a million-token conversation streams to disk; only
the small annotations and the QA bookkeeping stay in memory.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from . import _words as W
from ._dates import format_answer_date, format_event_date, format_session_datetime
from ._records import Event, Persona

PROCEDURAL_VERSION = "1"
"""Bump whenever the output for a given seed changes (word lists, templates, logic)."""

_FIRST_START = date(2022, 1, 2)
_START_CHOICES = (date(2023, 5, 31) - _FIRST_START).days  # LoCoMo's start-date range


class ProceduralConfig(BaseModel):
    """Parameters of a procedural run (all of them go into the manifest)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    conversations: int = 1
    """Number of conversations."""
    sessions: int = 10
    """Sessions per conversation (ignored when ``tokens`` is set: sessions are added until
    the token target is reached)."""
    days: int = 120
    """Time span of a conversation; with ``tokens`` it sets the mean gap (days / sessions)."""
    events: int = 8
    """Events per speaker over ``sessions`` sessions (a rate per session with ``tokens``)."""
    turns: int = 20
    """Target turns per session (more if the session's events need them)."""
    seed: int = 0
    """Master seed."""
    tokens: int | None = None
    """Target tokens per conversation (words x 1.3); overrides ``sessions``."""
    image_rate: float = 0.35
    """Probability that an event mention is followed by a shared (virtual) image."""


@dataclass
class _Mention:
    speaker: str
    event: Event
    dia_id: str
    session: int


@dataclass
class _Said:
    """A persona statement (like, dislike, job, family) and the turn that states it."""

    speaker: str
    what: str
    dia_id: str
    session: int
    extra: str = ""


@dataclass
class _State:
    events: dict[str, list[Event]] = field(default_factory=dict)
    used_texts: set[str] = field(default_factory=set)
    mentions: list[_Mention] = field(default_factory=list)
    said: list[_Said] = field(default_factory=list)
    observation: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)
    event_summary: dict[str, Any] = field(default_factory=dict)
    words: int = 0
    sessions: int = 0


def _relative_phrase(session_day: date, event_day: date) -> str:
    """How a speaker refers to an event's day; ``resolve_relative`` inverts it exactly."""
    days = (session_day - event_day).days
    if days == 1:
        return "yesterday"
    if 2 <= days <= 9:
        return f"{W.NUMBER_WORDS[days]} days ago"
    if event_day.year != session_day.year:
        return f"on {event_day.day} {event_day:%B}, {event_day.year}"
    return f"on {event_day.day} {event_day:%B}"


def resolve_relative(phrase_text: str, session_day: date) -> date | None:
    """Find the day a turn refers to (the inverse of the phrases this module writes)."""
    if "yesterday" in phrase_text:
        return session_day - timedelta(days=1)
    for n in range(2, 10):
        if f"{W.NUMBER_WORDS[n]} days ago" in phrase_text:
            return session_day - timedelta(days=n)
    import re

    m = re.search(r" on (\d{1,2}) ([A-Z][a-z]+)(?:, (\d{4}))?", phrase_text)
    if m:
        year = int(m.group(3)) if m.group(3) else session_day.year
        return datetime.strptime(f"{m.group(1)} {m.group(2)} {year}", "%d %B %Y").date()
    return None


def make_personas(rng: random.Random) -> tuple[Persona, Persona]:
    """Two distinct speakers from the built-in lists."""
    names = rng.sample(W.FIRST_NAMES, 2)
    out = []
    for name in names:
        job = rng.choice(W.JOBS)
        city = rng.choice(W.CITIES)
        relation = rng.choice(W.RELATIONS)
        friends = rng.sample([f for f in W.FRIEND_NAMES if f != name], 3)
        relative = rng.choice([f for f in W.FRIEND_NAMES if f not in friends])
        picks = rng.sample(range(len(W.LIKES)), 4)
        likes = tuple(W.LIKES[i][0] for i in picks[:3])
        dislikes = (W.LIKES[picks[3]][0],)
        age = rng.randint(24, 68)
        summary = (
            f"{name} is a {age}-year-old {job} living in {city}. {name} has a {relation} named "
            f"{relative} and close friends {friends[0]}, {friends[1]} and {friends[2]}. "
            f"{name} loves {', '.join(likes[:-1])} and {likes[-1]}, and dislikes {dislikes[0]}."
        )
        out.append(
            Persona(
                name=name,
                persona_summary=summary,
                facts={
                    "age": str(age),
                    "job": job,
                    "city": city,
                    "relation": relation,
                    "relative": relative,
                    "friends": ", ".join(friends),
                },
                likes=likes,
                dislikes=dislikes,
            )
        )
    return out[0], out[1]


class ProceduralConversation:
    """One generated conversation. Iterate ``sessions()`` first, then call ``tail()``."""

    def __init__(self, config: ProceduralConfig, index: int) -> None:
        self.config = config
        self.index = index
        self.rng = random.Random(f"memobench-procedural:{config.seed}:{index}")
        self.sample_id = f"gen-{config.seed}-{index + 1}"
        self.personas = make_personas(self.rng)
        self.speakers = (self.personas[0].name, self.personas[1].name)
        self._st = _State(events={p.name: [] for p in self.personas})
        self._fixed_counts: dict[str, list[int]] = {}
        if config.tokens is None:
            for p in self.personas:
                counts = [0] * config.sessions
                for _ in range(config.events):
                    counts[self.rng.randrange(config.sessions)] += 1
                self._fixed_counts[p.name] = counts
            self._gaps = self._fixed_gaps()

    # -- schedule -----------------------------------------------------------------------------

    def _fixed_gaps(self) -> list[int]:
        """Split ``days`` into ``sessions`` gaps of at least 2 days (one free day for events)."""
        s, d = self.config.sessions, self.config.days
        if d < 2 * s:
            raise ValueError(f"--days ({d}) must be at least 2 x --sessions ({2 * s})")
        cuts = sorted(self.rng.randint(0, d - 2 * s) for _ in range(s - 1))
        bounds = [0, *cuts, d - 2 * s]
        return [2 + b - a for a, b in itertools.pairwise(bounds)]

    def _gap(self, n: int) -> int:
        if self.config.tokens is None:
            return self._gaps[n - 1]
        mean = max(2, self.config.days // max(1, self.config.sessions))
        return self.rng.randint(2, max(2, 2 * mean - 2))

    def _event_count(self, speaker: str, n: int) -> int:
        if self.config.tokens is None:
            return self._fixed_counts[speaker][n - 1]
        rate = self.config.events / max(1, self.config.sessions)
        return int(rate) + (1 if self.rng.random() < rate - int(rate) else 0)

    def _done(self, n: int) -> bool:
        if self.config.tokens is None:
            return n > self.config.sessions
        return self.tokens >= self.config.tokens

    # -- events -------------------------------------------------------------------------------

    def _fill(self, kind: W.EventKind, base: dict[str, str], persona: Persona) -> dict[str, str]:
        slots = dict(base)
        friends = persona.facts["friends"].split(", ")
        for name, values in kind.slots:
            slots[name] = self.rng.choice(friends if name in ("companion", "friend") else values)
        if "city" in slots:
            slots["language"] = W.LANGUAGES[slots["city"]]
        slots["hometown"] = persona.facts["city"]
        return slots

    def _try_kind(
        self, kind: W.EventKind, base: dict[str, str], persona: Persona
    ) -> tuple[str, dict[str, str]] | None:
        for _ in range(12):
            slots = self._fill(kind, base, persona)
            text = kind.template.format(**slots)
            if text not in self._st.used_texts:
                return text, slots
        return None

    def _make_event(self, persona: Persona, day: date) -> Event | None:
        own = self._st.events[persona.name]
        eid = f"E{len(own) + 1}"
        causes = [e for e in own if e.date < day and W.EFFECTS_OF.get(e.kind)]
        if causes and self.rng.random() < 0.6:
            cause = self.rng.choice(causes)
            kind = self.rng.choice(W.EFFECTS_OF[cause.kind])
            got = self._try_kind(kind, cause.slots, persona)
            if got is not None:
                return Event(
                    id=eid,
                    text=got[0],
                    date=day,
                    caused_by=(cause.id,),
                    kind=kind.name,
                    slots=got[1],
                )
        kind = self.rng.choice(W.ROOT_KINDS)
        got = self._try_kind(kind, {}, persona)
        if got is None:
            return None
        return Event(id=eid, text=got[0], date=day, kind=kind.name, slots=got[1])

    def _window_events(self, persona: Persona, n: int, lo: date, hi: date) -> list[Event]:
        """Events strictly between the previous session day ``lo`` and this one ``hi``."""
        k = self._event_count(persona.name, n)
        span = (hi - lo).days - 1
        days = sorted(lo + timedelta(days=1 + self.rng.randrange(span)) for _ in range(k))
        out = []
        for day in days:
            ev = self._make_event(persona, day)
            if ev is None:
                continue
            self._st.used_texts.add(ev.text)
            self._st.events[persona.name].append(ev)
            out.append(ev)
        return out

    # -- dialogue -----------------------------------------------------------------------------

    def sessions(self) -> Iterator[tuple[int, str, list[dict[str, Any]]]]:
        """Yield ``(n, session_<n>_date_time, turns)`` until the session or token budget is met."""
        day = _FIRST_START + timedelta(days=self.rng.randrange(_START_CHOICES))
        last_dt: datetime | None = None
        n = 1
        while not self._done(n):
            session_day = day + timedelta(days=self._gap(n))
            window = {p.name: self._window_events(p, n, day, session_day) for p in self.personas}
            minute = self.rng.randrange(9 * 60, 22 * 60)
            when = datetime.combine(session_day, time(minute // 60, minute % 60))
            assert last_dt is None or when > last_dt
            turns = self._session_turns(n, session_day, window)
            self._st.event_summary[f"events_session_{n}"] = {
                **{s: [f"{s} {e.text}." for e in window[s]] for s in self.speakers},
                "date": format_event_date(session_day),
            }
            self._st.sessions = n
            yield n, format_session_datetime(when), turns
            last_dt, day, n = when, session_day, n + 1

    def _session_turns(
        self, n: int, session_day: date, window: dict[str, list[Event]]
    ) -> list[dict[str, Any]]:
        rng = self.rng
        turns: list[dict[str, Any]] = []
        obs: dict[str, list[list[str]]] = {s: [] for s in self.speakers}
        other = {self.speakers[0]: self.speakers[1], self.speakers[1]: self.speakers[0]}

        def say(speaker: str, text: str, image: tuple[str, str] | None = None) -> str:
            if turns and turns[-1]["speaker"] == speaker:
                say(other[speaker], rng.choice(W.INTERJECTIONS))
            dia_id = f"D{n}:{len(turns) + 1}"
            turn: dict[str, Any] = {"speaker": speaker, "dia_id": dia_id, "text": text}
            words = text
            if image is not None:
                caption, query = image
                # Virtual image: a caption and a search query, never pixels or a real URL.
                turn["img_url"] = [f"virtual://{self.sample_id}/{dia_id}"]
                turn["blip_caption"] = caption
                turn["query"] = query
                words += " " + caption
            self._st.words += len(words.split())
            turns.append(turn)
            return dia_id

        def state(speaker: str, what: str, text: str, fact: str, extra: str = "") -> None:
            dia_id = say(speaker, text)
            say(other[speaker], rng.choice(W.ACKS if what == "like" else W.NOTED))
            self._st.said.append(_Said(speaker, what, dia_id, n, extra))
            obs[speaker].append([fact, dia_id])

        first = rng.choice(self.speakers)
        say(first, rng.choice(W.OPENERS).format(other=other[first]))
        say(other[first], rng.choice(W.OPENER_REPLIES).format(other=first))
        by_name = {p.name: p for p in self.personas}
        for speaker in (first, other[first]):
            p = by_name[speaker]
            f = p.facts
            if n == 1:
                state(
                    speaker,
                    "job",
                    f"I've been working as a {f['job']} here in {f['city']} "
                    f"for {W.NUMBER_WORDS[rng.randint(2, 9)]} years now.",
                    f"{speaker} works as a {f['job']} in {f['city']}.",
                )
            if n == min(2, self._planned_sessions()):
                state(
                    speaker,
                    "relative",
                    f"My {f['relation']} {f['relative']} says hi, by the "
                    "way. We had dinner together recently.",
                    f"{speaker} has a {f['relation']} named {f['relative']}.",
                )
                state(
                    speaker,
                    "dislike",
                    f"Honestly, I can't stand {p.dislikes[0]}. It's just not for me.",
                    f"{speaker} dislikes {p.dislikes[0]}.",
                    p.dislikes[0],
                )
            if n <= len(p.likes):
                like = p.likes[n - 1]
                state(
                    speaker,
                    "like",
                    f"Lately I've been really into {like}. It's my favorite way to unwind.",
                    f"{speaker} enjoys {like}.",
                    like,
                )
        everything = sorted(
            ((e, s) for s in self.speakers for e in window[s]), key=lambda es: (es[0].date, es[1])
        )
        for ev, speaker in everything:
            text = (
                f"{rng.choice(('Guess what?', 'Big news:', 'So,', 'You know what?'))} I "
                f"{ev.text} {_relative_phrase(session_day, ev.date)}."
            )
            if ev.caused_by:
                cause = next(e for e in self._st.events[speaker] if e.id == ev.caused_by[0])
                text += f" That only happened because I {cause.text} back in {cause.date:%B}."
            dia_id = say(speaker, f"{text} {rng.choice(W.FEELINGS)}")
            self._st.mentions.append(_Mention(speaker, ev, dia_id, n))
            obs[speaker].append([f"{speaker} {ev.text} on {format_answer_date(ev.date)}.", dia_id])
            say(other[speaker], f"{rng.choice(W.REACTIONS)} {rng.choice(W.FOLLOW_UPS)}")
            if rng.random() < self.config.image_rate:
                kind = next(k for k in W.EVENT_KINDS if k.name == ev.kind)
                scene = kind.caption.format(**ev.slots)
                say(speaker, rng.choice(W.PHOTO_LINES), image=(f"a photo of {scene}", scene))
            else:
                say(speaker, "It felt good to finally share it with someone.")
        while len(turns) < self.config.turns - 2:
            who = rng.choice(self.speakers)
            q, a = rng.choice(W.SMALL_TALK)
            say(who, q)
            say(other[who], a)
        closer = rng.choice(self.speakers)
        say(closer, rng.choice(W.CLOSERS))
        say(other[closer], rng.choice(W.CLOSER_REPLIES))

        self._st.observation[f"session_{n}_observation"] = obs
        facts = [o[0] for s in self.speakers for o in obs[s]]
        date_text = format_event_date(session_day)
        summary = f"On {date_text}, {self.speakers[0]} and {self.speakers[1]} caught up."
        self._st.summary[f"session_{n}_summary"] = " ".join([summary, *facts])
        return turns

    def _planned_sessions(self) -> int:
        return self.config.sessions if self.config.tokens is None else 2

    # -- annotations and QA -------------------------------------------------------------------

    def tail(self) -> dict[str, Any]:
        """Observations, summaries, event summaries and QA (call after ``sessions()``)."""
        return {
            "observation": self._st.observation,
            "session_summary": self._st.summary,
            "event_summary": self._st.event_summary,
            "qa": self._qa(),
        }

    @property
    def tokens(self) -> int:
        """Tokens written so far: ``ceil(words x 1.3)`` over turn text plus image captions."""
        return math.ceil(self._st.words * 1.3)

    @property
    def n_sessions(self) -> int:
        """Sessions produced so far."""
        return self._st.sessions

    @property
    def events(self) -> dict[str, list[Event]]:
        """Each speaker's event graph (complete after ``sessions()``)."""
        return self._st.events

    def _qa(self) -> list[dict[str, Any]]:
        kinds = {k.name: k for k in W.EVENT_KINDS}
        qa: list[dict[str, Any]] = []
        adversarial: list[dict[str, Any]] = []
        other = {self.speakers[0]: self.speakers[1], self.speakers[1]: self.speakers[0]}
        effects: dict[tuple[str, str], list[_Mention]] = {}
        for m in self._st.mentions:
            kind = kinds[m.event.kind]
            slots = m.event.slots
            when = format_answer_date(m.event.date)
            qa.append(
                _item(f"When did {m.speaker} {W.base_form(m.event.text)}?", when, [m.dia_id], 2)
            )
            answer = kind.answer.format(**slots)
            qa.append(_item(kind.question.format(X=m.speaker, **slots), answer, [m.dia_id], 4))
            adversarial.append(
                _adv(kind.question.format(X=other[m.speaker], **slots), answer, [m.dia_id])
            )
            for cause in m.event.caused_by:
                effects.setdefault((m.speaker, cause), []).append(m)
        by_id = {(s, e.id): e for s, evs in self._st.events.items() for e in evs}
        for (speaker, cause_id), ms in effects.items():
            if len({m.session for m in ms}) >= 2:
                cause_event = by_id[(speaker, cause_id)]
                qa.append(
                    _item(
                        f"What did {speaker} go on to do because they {cause_event.text}?",
                        ", ".join(m.event.text for m in ms),
                        [m.dia_id for m in ms],
                        1,
                    )
                )
        likes_lookup = dict(W.LIKES)
        for speaker in self.speakers:
            mine = [s for s in self._st.said if s.speaker == speaker]
            likes = [s for s in mine if s.what == "like"]
            if len({s.session for s in likes}) >= 2:
                qa.append(
                    _item(
                        f"What activities has {speaker} said they enjoy?",
                        ", ".join(s.extra for s in likes),
                        [s.dia_id for s in likes],
                        1,
                    )
                )
            for s in mine:
                if s.what in ("like", "dislike"):
                    verdict = "Likely yes" if s.what == "like" else "Likely no"
                    verb = "enjoys" if s.what == "like" else "dislikes"
                    qa.append(
                        _item(
                            f"Would {speaker} likely enjoy {likes_lookup[s.extra]}?",
                            f"{verdict}; {speaker} {verb} {s.extra}",
                            [s.dia_id],
                            3,
                        )
                    )
            p = next(p for p in self.personas if p.name == speaker)
            for s in mine:
                if s.what == "job":
                    qa.append(
                        _item(
                            f"What does {speaker} do for a living?", p.facts["job"], [s.dia_id], 4
                        )
                    )
                    qa.append(
                        _item(f"Which city does {speaker} live in?", p.facts["city"], [s.dia_id], 4)
                    )
                if s.what == "relative":
                    rel = p.facts["relation"]
                    qa.append(
                        _item(
                            f"What is the name of {speaker}'s {rel}?",
                            p.facts["relative"],
                            [s.dia_id],
                            4,
                        )
                    )
                    theirs = next(q for q in self.personas if q.name == other[speaker])
                    if theirs.facts["relation"] != rel:
                        adversarial.append(
                            _adv(
                                f"What is the name of {other[speaker]}'s {rel}?",
                                p.facts["relative"],
                                [s.dia_id],
                            )
                        )
        counts = Counter(q["question"] for q in qa)
        real = set(counts)
        # A question asked twice has two golds, and an adversarial question that matches a real
        # one is answerable: both would make the gold wrong, so neither is kept.
        kept = [q for q in qa if counts[q["question"]] == 1]
        adv_counts = Counter(q["question"] for q in adversarial)
        kept += [
            q for q in adversarial if q["question"] not in real and adv_counts[q["question"]] == 1
        ]
        return kept


def _item(question: str, answer: str, evidence: list[str], category: int) -> dict[str, Any]:
    return {"question": question, "answer": answer, "evidence": evidence, "category": category}


def _adv(question: str, tempting: str, evidence: list[str]) -> dict[str, Any]:
    return {
        "question": question,
        "evidence": evidence,
        "category": 5,
        "adversarial_answer": tempting,
    }
