"""LLM mode: LoCoMo's generation pipeline (personas → event graphs → sessions → annotations).

Every stage of every conversation is checkpointed as JSON in the work dir the moment it is
valid (``<work>/<sample_id>/<stage>.json``); a re-run loads finished stages and redoes only
the rest, and the LLM cache makes redone calls free. Randomness comes from per-stage
``random.Random`` objects keyed by (seed, conversation, stage), so resuming does not change
what the remaining stages draw.
"""

from __future__ import annotations

import asyncio
import json
import random
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from .._util.files import atomic_write_text
from ..llm import LLMClient, get_llm, phase
from . import _annotate as A
from ._dates import format_event_date, format_session_datetime
from ._events import generate_events, pick_span
from ._llmcall import Caller, CallStats, Rejected
from ._manifest import GenerationManifest, write_manifest
from ._personas import expand_persona, load_persona_pairs, pick_pair
from ._prompts import Prompts
from ._records import Event, Persona
from ._sessions import (
    SessionContext,
    discussed,
    next_session_time,
    session_transcript,
    talk,
    window_events,
)
from ._writer import StaticSample, write_dataset

LLM_PIPELINE_VERSION = "1"


class LLMConfig(BaseModel):
    """Parameters of an LLM-mode run (all go into the manifest)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    model: str = "local:gemma3-270m"
    """Model spec for every call."""
    base_url: str | None = None
    """OpenAI-compatible base URL (``openai:`` specs)."""
    personas: str
    """Persona file (MSC format or a user list)."""
    conversations: int = 1
    """Conversations to generate."""
    sessions: int = 5
    """Maximum sessions per conversation (fewer if the events run out)."""
    days: int = 90
    """Span of each event graph."""
    events: int = 6
    """Events per speaker (after standalone events are removed)."""
    events_per_session: int = 1
    """Events per speaker that trigger a new session (LoCoMo: "1-2 works best")."""
    turns: int = 16
    """Maximum turns per session."""
    qa_per_category: int = 3
    """Questions requested per category per conversation (before verification)."""
    seed: int = 0
    """Master seed."""
    temperature: float = 1.0
    """Sampling temperature of every call."""
    attempts: int = 3
    """Attempts per call whose output must parse (then the item is rejected)."""
    concurrency: int = 2
    """Conversations generated in parallel."""
    work_dir: str | None = None
    """Checkpoint folder (default ``<out>.work``)."""


class _Checkpoints:
    def __init__(self, root: Path) -> None:
        self.root = root

    def load(self, name: str) -> Any | None:
        path = self.root / f"{name}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def save(self, name: str, value: Any) -> Any:
        atomic_write_text(
            self.root / f"{name}.json", json.dumps(value, ensure_ascii=False, indent=1)
        )
        return value


def _event_json(e: Event) -> dict[str, Any]:
    return {"id": e.id, "text": e.text, "date": e.date.isoformat(), "caused_by": list(e.caused_by)}


def _event_from(d: dict[str, Any]) -> Event:
    return Event(
        id=d["id"],
        text=d["text"],
        date=date.fromisoformat(d["date"]),
        caused_by=tuple(d["caused_by"]),
    )


class _Conversation:
    """Generates one conversation, stage by stage, with checkpoints."""

    def __init__(
        self,
        cfg: LLMConfig,
        index: int,
        caller: Caller,
        prompts: Prompts,
        pairs: list[Any],
        work: Path,
    ) -> None:
        self.cfg, self.index, self.caller, self.prompts, self.pairs = (
            cfg,
            index,
            caller,
            prompts,
            pairs,
        )
        self.sample_id = f"llm-{cfg.seed}-{index + 1}"
        self.ck = _Checkpoints(work / self.sample_id)

    def rng(self, stage: str) -> random.Random:
        return random.Random(f"memobench-llm:{self.cfg.seed}:{self.index}:{stage}")

    async def personas(self) -> tuple[Persona, Persona]:
        saved = self.ck.load("personas")
        if saved is None:
            seed_a, seed_b = pick_pair(self.pairs, self.rng("personas"))
            a = await expand_persona(self.caller, self.prompts, seed_a)
            b = await expand_persona(self.caller, self.prompts, seed_b, avoid=a.name)
            if a.name == b.name:
                raise Rejected("personas: both speakers got the same name")
            saved = self.ck.save("personas", [a.model_dump(mode="json"), b.model_dump(mode="json")])
        return Persona.model_validate(saved[0]), Persona.model_validate(saved[1])

    async def events(self, personas: tuple[Persona, Persona]) -> dict[str, list[Event]]:
        saved = self.ck.load("events")
        if saved is None:
            start, end = pick_span(self.rng("span"), self.cfg.days)
            graphs = {}
            for p in personas:
                evs = await generate_events(
                    self.caller, self.prompts, p, start=start, end=end, num_events=self.cfg.events
                )
                if not evs:
                    raise Rejected(f"events: no usable event graph for {p.name}")
                graphs[p.name] = [_event_json(e) for e in evs]
            saved = self.ck.save("events", graphs)
        return {name: [_event_from(e) for e in evs] for name, evs in saved.items()}

    async def run(self) -> dict[str, Any]:
        done = self.ck.load("sample")
        if done is not None:
            return done
        personas = await self.personas()
        names = (personas[0].name, personas[1].name)
        events = await self.events(personas)
        conv: dict[str, Any] = {"speaker_a": names[0], "speaker_b": names[1]}
        observation: dict[str, Any] = {}
        summaries: dict[str, str] = {}
        event_summary: dict[str, Any] = {}
        memory: dict[str, list[tuple[str, str]]] = {n: [] for n in names}
        running_summary = ""
        prev: datetime | None = None
        for n in range(1, self.cfg.sessions + 1):
            saved = self.ck.load(f"session_{n}")
            if saved is None:
                when = next_session_time(
                    self.rng(f"date{n}"), events, prev, self.cfg.events_per_session
                )
                if when is None:
                    break
                window = {k: window_events(v, prev, when) for k, v in events.items()}
                if not any(window.values()):
                    break
                ctx = SessionContext(n, when, prev, running_summary, window, memory)
                turns = await talk(
                    self.caller,
                    self.prompts,
                    personas,
                    ctx,
                    self.rng(f"talk{n}"),
                    max_turns=self.cfg.turns,
                )
                if not turns:
                    raise Rejected(f"session {n}: the model produced no usable turns")
                date_time = format_session_datetime(when)
                transcript = session_transcript(turns)
                known = {t["dia_id"] for t in turns}
                try:
                    obs = await A.observations(
                        self.caller, self.prompts, names, date_time, transcript, known
                    )
                except Rejected:
                    obs = {k: [] for k in names}  # nothing unverifiable is written
                summary = await A.summary(
                    self.caller, self.prompts, names, running_summary, date_time, transcript
                )
                saved = self.ck.save(
                    f"session_{n}",
                    {
                        "when": when.isoformat(),
                        "date_time": date_time,
                        "turns": turns,
                        "observation": obs,
                        "summary": summary,
                        "events": {
                            k: [e.text for e in discussed(window[k], turns, k)] for k in names
                        },
                    },
                )
            when = datetime.fromisoformat(saved["when"])
            conv[f"session_{n}_date_time"] = saved["date_time"]
            conv[f"session_{n}"] = saved["turns"]
            observation[f"session_{n}_observation"] = saved["observation"]
            summaries[f"session_{n}_summary"] = saved["summary"]
            event_summary[f"events_session_{n}"] = {
                **saved["events"],
                "date": format_event_date(when.date()),
            }
            for speaker, items in saved["observation"].items():
                memory[speaker].extend((saved["date_time"], item[0]) for item in items)
            running_summary = saved["summary"]
            prev = when
        if "session_1" not in conv:
            raise Rejected("no session could be generated")
        qa = self.ck.load("qa")
        if qa is None:
            lines: dict[str, str] = {}
            blocks = []
            k = 1
            while f"session_{k}" in conv:
                blocks.append(
                    f"DATE: {conv[f'session_{k}_date_time']}\n"
                    + session_transcript(conv[f"session_{k}"])
                )
                for t in conv[f"session_{k}"]:
                    lines[t["dia_id"]] = (
                        f"({conv[f'session_{k}_date_time']}) {t['speaker']}: {t['text']}"
                    )
                k += 1
            items, dropped = await A.questions(
                self.caller,
                self.prompts,
                names,
                "\n\n".join(blocks),
                lines,
                per_category=self.cfg.qa_per_category,
            )
            qa = self.ck.save("qa", {"items": items, "dropped": dropped})
        sample = {
            "sample_id": self.sample_id,
            "conversation": conv,
            "observation": observation,
            "session_summary": summaries,
            "event_summary": event_summary,
            "qa": qa["items"],
            "dropped_qa": qa["dropped"],
        }
        return self.ck.save("sample", sample)


async def run_llm_pipeline(
    cfg: LLMConfig, out: str | Path, *, client: LLMClient | None = None
) -> GenerationManifest:
    """Generate ``cfg.conversations`` conversations into ``out`` (+ ``manifest.json``).

    A conversation whose stages stay invalid is left out (and counted in the manifest); a
    finished run can be re-invoked to retry those, reusing every checkpoint.
    """
    out = Path(out)
    work = Path(cfg.work_dir) if cfg.work_dir else out.with_name(out.name + ".work")
    prompts = Prompts()
    if client is None:
        opts: dict[str, Any] = {"base_url": cfg.base_url} if cfg.base_url else {}
        client = get_llm(cfg.model, **opts)
    stats = CallStats()
    caller = Caller(client, temperature=cfg.temperature, attempts=cfg.attempts, stats=stats)
    pairs = load_persona_pairs(cfg.personas)
    gate = asyncio.Semaphore(max(1, cfg.concurrency))
    failed: dict[str, str] = {}

    async def one(i: int) -> dict[str, Any] | None:
        job = _Conversation(cfg, i, caller, prompts, pairs, work)
        async with gate:
            try:
                return await job.run()
            except Rejected as exc:
                failed[job.sample_id] = str(exc)
                return None

    with phase("generate"):
        results = await asyncio.gather(*(one(i) for i in range(cfg.conversations)))
    samples = [r for r in results if r is not None]
    dropped = {s["sample_id"]: s.pop("dropped_qa", {}) for s in samples}
    digest = write_dataset(out, [StaticSample(s) for s in samples])
    return write_manifest(
        out,
        mode="llm",
        generator_version=LLM_PIPELINE_VERSION,
        seed=cfg.seed,
        parameters=cfg.model_dump(),
        models=[client.spec],
        prompt_hashes=prompts.hashes(),
        data_sha256=digest,
        conversations=len(samples),
        stats={
            "calls": stats.calls,
            "retries": stats.retries,
            "rejected_outputs": stats.rejected,
            "failed_conversations": failed,
            "dropped_qa_by_category": dropped,
            "verify_f1_threshold": A.VERIFY_F1_THRESHOLD,
        },
    )
