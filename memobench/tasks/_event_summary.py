"""The event-summarization task (LoCoMo §4.2): one speaker's significant life events over a
window of sessions, scored against the dataset's event graph (``event_summary``)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .._util.aio import call, run_sync
from ..agents import coerce_text
from ..data import Conversation, Session
from ..results import SampleRecord
from ._prompts import VersionedTask, load_task_spec

TASK = "event_summary"
EVENT_SCORING_VERSION = "events-1"

#: Reply budget for a summary (or one incremental step).
SUMMARY_TOKENS = 256


@dataclasses.dataclass(frozen=True)
class EventItem:
    """One item: summarize ``speaker``'s events over sessions ``first``..``last`` (inclusive)."""

    item_id: str
    """``<sample_id>:events:<speaker>``."""
    sample_id: str
    """Conversation id."""
    speaker: str
    """Whose events."""
    first: int
    """First session index of the window."""
    last: int
    """Last session index of the window."""
    start: datetime
    """Date of the first session of the window (what the agent is given)."""
    end: datetime
    """Date of the last session of the window."""


def parse_window(spec: str | None, n_sessions: int) -> tuple[int, int]:
    """``"a-b"`` (1-based, inclusive; ``"a-"`` = to the end, ``"a"`` = one session) → (a, b),
    clipped to the conversation; None → the whole conversation."""
    if not spec:
        return 1, n_sessions
    m = re.fullmatch(r"\s*(\d+)\s*(?:(-)\s*(\d*)\s*)?", str(spec))
    if m is None:
        raise ValueError(f"bad sessions window {spec!r}; use 'a-b'")
    a = int(m.group(1))
    b = int(m.group(3)) if m.group(3) else (n_sessions if m.group(2) else a)
    a, b = max(a, 1), min(b, n_sessions)
    if a > b:
        raise ValueError(f"empty sessions window {spec!r} for {n_sessions} sessions")
    return a, b


def window_sessions(sessions: Sequence[Session], start: datetime, end: datetime) -> list[Session]:
    """Sessions dated within [start, end]: how baselines map the hook's dates to sessions."""
    return [s for s in sessions if start <= s.date_time <= end]


def gold_events(conv: Conversation, item: EventItem) -> list[str]:
    """The dataset's events of the item's speaker in its window, in session order."""
    return [
        e
        for a in sorted(conv.annotations, key=lambda a: a.index)
        if item.first <= a.index <= item.last
        for e in a.events.get(item.speaker, ())
    ]


def session_indices(
    sessions: Sequence[Session] | None, start: datetime, end: datetime
) -> set[int] | None:
    """Indices of the sessions dated in [start, end]; None when the sessions are unknown."""
    if sessions is None:
        return None
    return {s.index for s in window_sessions(sessions, start, end)}


def summarize_prompt(context: str, speaker: str, start: datetime, end: datetime) -> str:
    """The non-incremental prompt the baselines use (``tasks/event_summary/summarize.txt``)."""
    return (
        load_task_spec(TASK)
        .prompt("summarize")
        .render(context=context, speaker=speaker, start=f"{start:%d %B %Y}", end=f"{end:%d %B %Y}")
        .lstrip()
    )


def incremental_prompt(summary: str, session_text: str, speaker: str, date: str) -> str:
    """One step of incremental summarization (``tasks/event_summary/incremental.txt``)."""
    return (
        load_task_spec(TASK)
        .prompt("incremental")
        .render(summary=summary or "(none yet)", session=session_text, speaker=speaker, date=date)
    )


def is_none_reply(reply: str) -> bool:
    """The incremental step's "nothing new" answer."""
    return reply.strip().strip(".\"'").lower() in {"", "none", "no new events", "n/a"}


class EventSummaryTask(VersionedTask):
    name = TASK
    scoring_version = EVENT_SCORING_VERSION
    main_metric = "fact_f1_emb"

    def items(
        self, conv: Conversation, *, limit: int | None, options: dict[str, Any]
    ) -> list[EventItem]:
        if not conv.sessions:
            return []
        sessions = sorted(conv.sessions, key=lambda s: s.index)
        a, b = parse_window(options.get("sessions"), len(sessions))
        chosen = sessions[a - 1 : b]
        items = [
            EventItem(
                item_id=f"{conv.sample_id}:events:{speaker}",
                sample_id=conv.sample_id,
                speaker=speaker,
                first=chosen[0].index,
                last=chosen[-1].index,
                start=chosen[0].date_time,
                end=chosen[-1].date_time,
            )
            for speaker in conv.speakers
        ]
        return items[:limit] if limit is not None else items

    def due_after(self, conv: Conversation, item: EventItem) -> int:
        """Asked once the window's last session is ingested, before any later one."""
        return item.last

    async def ask(
        self, agent: Any, conv: Conversation, item: EventItem, *, options: dict[str, Any]
    ) -> dict[str, Any]:
        hook = getattr(agent, "summarize_events", None)
        extra: dict[str, Any] = {"speaker": item.speaker, "sessions": [item.first, item.last]}
        if hook is None:
            return {"prediction": "", "retrieved": None, "extra": {**extra, "unsupported": True}}
        # Asked right after the window's last session was ingested, at that session's date.
        now = item.end
        reply = await call(hook, item.speaker, start=item.start, end=item.end, now=now)
        text = coerce_text(reply, agent=agent, method="summarize_events")
        return {"prediction": text.strip(), "retrieved": None, "extra": extra}

    def score(
        self,
        conversations: Sequence[Conversation],
        answers: dict[str, dict[str, Any]],
        *,
        options: dict[str, Any],
    ) -> list[SampleRecord]:
        from ..llm import get_embedder
        from ..scoring.text import (
            DEFAULT_SUPPORT_THRESHOLD,
            EmbeddingSupporter,
            atomic_fact_prf,
            rouge_scores,
            split_atomic_facts,
            split_atomic_facts_many,
        )

        limit = options.get("limit")
        embed = get_embedder("local:minilm").embed
        judged = _JudgeScorer(options["judge_model"]) if options.get("judge_model") else None
        out: list[SampleRecord] = []
        for conv in conversations:
            for item in self.items(conv, limit=limit, options=options):
                rec = answers.get(item.item_id)
                if rec is None:
                    continue
                pred = rec.get("prediction")
                gold = gold_events(conv, item)
                scores: dict[str, float | None] = dict.fromkeys(
                    (
                        "rouge1",
                        "rouge2",
                        "rougeL",
                        "fact_precision_emb",
                        "fact_recall_emb",
                        "fact_f1_emb",
                    )
                )
                extra = dict(rec.get("extra", {}))
                extra.update(
                    gold_events=len(gold),
                    fact_support="embedding (offline)",
                    fact_threshold=DEFAULT_SUPPORT_THRESHOLD,
                )
                # No gold events in the window: nothing to compare against (None = not applicable).
                if pred is not None and gold:
                    gold_text = "\n".join(gold)
                    r = rouge_scores(pred, gold_text)
                    scores.update(rouge1=r["rouge1"], rouge2=r["rouge2"], rougeL=r["rougeL"])
                    # A fresh supporter per item keeps its embedding cache small.
                    fs = atomic_fact_prf(
                        split_atomic_facts(pred),
                        split_atomic_facts_many(gold),
                        supports=EmbeddingSupporter(embed, DEFAULT_SUPPORT_THRESHOLD),
                    )
                    scores.update(
                        fact_precision_emb=fs.precision,
                        fact_recall_emb=fs.recall,
                        fact_f1_emb=fs.f1,
                    )
                    extra.update(n_pred_facts=fs.n_pred, n_gold_facts=fs.n_gold)
                    if judged is not None:
                        jf = judged.score(pred, gold_text)
                        scores.update(
                            fact_precision_judge=jf.precision,
                            fact_recall_judge=jf.recall,
                            fact_f1_judge=jf.f1,
                        )
                        extra["judge_model"] = judged.spec
                out.append(
                    SampleRecord(
                        task=TASK,
                        item_id=item.item_id,
                        conversation_id=conv.sample_id,
                        prediction=pred,
                        scores=scores,
                        extra=extra,
                    )
                )
        return out


class _JudgeScorer:
    """Judge variant of the atomic-fact metric: an LLM decomposes both sides and checks support.

    ``score()`` is synchronous and the runner calls it inside its event loop, so each item's
    judge calls run on a private loop in a worker thread. Calls go through ``get_llm`` (cached
    and metered under the ``judge`` phase)."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        prompts = load_task_spec(TASK)
        self.support = prompts.prompt("judge_support")
        self.decompose = prompts.prompt("judge_decompose")

    async def _ascore(self, pred: str, gold_text: str) -> Any:
        from ..llm import GenerateConfig, Message, get_llm, phase
        from ..scoring.text import JudgeSupporter, aatomic_fact_prf, adecompose_with_judge

        client = get_llm(self.spec)
        config = GenerateConfig(max_tokens=400, temperature=0.0)

        async def judge(prompt: str) -> str:
            return (
                await client.complete([Message(role="user", content=prompt)], config=config)
            ).text

        with phase("judge"):
            pf = await adecompose_with_judge(pred, judge, template_path=self.decompose)
            gf = await adecompose_with_judge(gold_text, judge, template_path=self.decompose)
            supporter = JudgeSupporter(judge, self.support)
            return await aatomic_fact_prf(pf, gf, supports=supporter.asupports)

    def score(self, pred: str, gold_text: str) -> Any:
        # Sync, and called from inside the runner's loop: the bridge runs the judge calls on a
        # private loop in a worker thread, with this context (the run's meter) copied.
        return run_sync(self._ascore(pred, gold_text))
