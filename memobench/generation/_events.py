"""LLM-generated temporal event graphs: batched, parsed, validated, standalone events removed."""

from __future__ import annotations

import functools
import json
import random
from datetime import date, timedelta
from typing import Any

from ._dates import format_event_date, parse_event_date
from ._llmcall import Caller, Rejected
from ._prompts import Prompts
from ._records import Event, Persona, drop_standalone, validate_event_graph

BATCH = 4


def pick_span(rng: random.Random, days: int) -> tuple[date, date]:
    """LoCoMo's start date: uniform over 2 Jan 2022 - 31 May 2023; end = start + days."""
    start = date(2022, 1, 2) + timedelta(days=rng.randrange(515))
    return start, start + timedelta(days=days)


def parse_events(
    value: Any, ids: list[str], existing: list[Event], start: date, end: date, *, roots: bool
) -> list[Event]:
    """Validate one batch; raises ValueError (→ retry) on anything unusable."""
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value.values()))  # {"events": [...]}
    if not isinstance(value, list) or not value:
        raise ValueError("expected a non-empty JSON list of events")
    out: list[Event] = []
    for item in value:
        if not isinstance(item, dict):
            raise ValueError("every event must be a JSON object")
        item = {str(k).lower().replace("_", "-"): v for k, v in item.items()}
        eid = str(item.get("id", "")).strip()
        if eid not in ids or any(e.id == eid for e in out):
            raise ValueError(f"unexpected or repeated id {eid!r}; use {', '.join(ids)}")
        text = item.get("sub-event") or item.get("event")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{eid} has no 'sub-event'")
        when = parse_event_date(str(item.get("date") or item.get("time") or ""))
        if not start <= when <= end:
            raise ValueError(f"{eid} is dated {when}, outside {start}..{end}")
        causes = item.get("caused-by") or []
        if isinstance(causes, str):
            causes = [c.strip() for c in causes.split(",") if c.strip()]
        if roots and causes:
            raise ValueError("the starting events must have an empty caused_by")
        if not roots and not causes:
            raise ValueError(f"{eid} must be caused by an existing event")
        out.append(Event(id=eid, text=text.strip(), date=when, caused_by=tuple(map(str, causes))))
    # Sort so causes precede effects in the list; a cause dated on/after its effect still fails.
    combined = sorted([*existing, *out], key=lambda e: (e.date, int(e.id[1:])))
    try:
        validate_event_graph(combined)
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    return out


async def generate_events(
    caller: Caller,
    prompts: Prompts,
    persona: Persona,
    *,
    start: date,
    end: date,
    num_events: int,
) -> list[Event]:
    """Three roots, then batches of ``BATCH`` effects, until ``num_events`` non-standalone
    events exist (bounded; a batch that stays invalid is skipped, never kept)."""
    span = {"start": format_event_date(start), "end": format_event_date(end)}
    roots = await caller.json(
        "events",
        prompts.render("events_initial", persona=persona.persona_summary, **span),
        lambda v: parse_events(v, ["E1", "E2", "E3"], [], start, end, roots=True),
    )
    events = list(roots)
    for _ in range(2 * (num_events // BATCH + 2)):
        if len(drop_standalone(events)) >= num_events:
            break
        n = len(events)
        ids = [f"E{n + k + 1}" for k in range(BATCH)]
        existing = json.dumps(
            [
                {
                    "id": e.id,
                    "sub-event": e.text,
                    "date": format_event_date(e.date),
                    "caused_by": list(e.caused_by),
                }
                for e in events
            ],
            indent=1,
        )
        prompt = prompts.render(
            "events_more",
            persona=persona.persona_summary,
            existing=existing,
            ids=", ".join(ids[:-1]) + " and " + ids[-1],
            **span,
        )
        try:
            batch = await caller.json(
                "events",
                prompt,
                functools.partial(
                    parse_events, ids=ids, existing=events, start=start, end=end, roots=False
                ),
            )
        except Rejected:
            continue
        events.extend(batch)
    kept = sorted(drop_standalone(events), key=lambda e: (e.date, int(e.id[1:])))
    validate_event_graph(kept)
    return kept
