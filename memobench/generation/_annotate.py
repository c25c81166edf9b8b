"""LLM mode annotations: observations, summaries, and QA verified against its own evidence."""

from __future__ import annotations

import functools
import json
from typing import Any

from ..scoring import f1_score, is_abstention
from ._llmcall import Caller, Rejected
from ._prompts import Prompts

#: A QA item is kept when the evidence-only answer reaches this token F1 against the gold.
VERIFY_F1_THRESHOLD = 0.5

CATEGORY_INSTRUCTIONS = {
    1: (
        "multi-hop: the answer combines facts from two or more different sessions; cite all "
        "of them (a list answer is written comma-separated)",
        "",
    ),
    2: (
        'temporal: "When did ... ?" questions whose answer is a date such as "7 May 2023", '
        "worked out from the session date and any time reference in the line",
        "",
    ),
    3: (
        'commonsense inference: "Would ... likely ...?" questions answered from what the '
        'speakers said plus world knowledge, e.g. "Likely yes"',
        "",
    ),
    4: ("single-hop: the answer is stated in one dialog line", ""),
    5: (
        "adversarial: ask about something that NEVER happened, e.g. attribute one speaker's "
        "event to the other speaker; cite the line it distorts; put the tempting wrong answer in "
        '"adversarial_answer" and leave "answer" out',
        ', "adversarial_answer": "..."',
    ),
}


Observation = list[str | list[str]]
"""``[text, dialog id]`` (LoCoMo's shape), or ``[text, [ids...]]`` when it cites several."""


def validate_observations(
    value: Any, speakers: tuple[str, str], known: set[str]
) -> dict[str, list[Observation]]:
    """Keep [text, id] pairs whose ids exist; unknown speakers or shapes → ValueError."""
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object keyed by speaker")
    out: dict[str, list[Observation]] = {s: [] for s in speakers}
    for speaker, items in value.items():
        if speaker not in out:
            raise ValueError(f"unknown speaker {speaker!r}; use {speakers[0]} and {speakers[1]}")
        if not isinstance(items, list):
            raise ValueError("each speaker maps to a list of [observation, dialog id]")
        for item in items:
            if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
                raise ValueError("each observation must be [text, dialog id]")
            ids = item[1] if isinstance(item[1], list) else [item[1]]
            ids = [str(i).strip() for i in ids]
            if item[0].strip() and ids and all(i in known for i in ids):
                out[speaker].append([item[0].strip(), ids[0] if len(ids) == 1 else ids])
    return out


def validate_summary(reply: str) -> str:
    text = " ".join(reply.strip().split())
    if len(text.split()) < 5:
        raise ValueError("the summary is too short")
    return text


def validate_qa(value: Any, category: int, known: set[str]) -> list[dict[str, Any]]:
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value.values()))
    if not isinstance(value, list):
        raise ValueError("expected a JSON list of question objects")
    out = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise ValueError("each item needs a 'question' string")
        evidence = item.get("evidence")
        if isinstance(evidence, str):
            evidence = [evidence]
        if not isinstance(evidence, list) or not evidence:
            raise ValueError("each item needs a non-empty 'evidence' list of dialog ids")
        evidence = [str(e).strip() for e in evidence]
        if any(e not in known for e in evidence):
            continue  # an invented id cannot be verified: drop the item, keep the rest
        q: dict[str, Any] = {
            "question": item["question"].strip(),
            "evidence": evidence,
            "category": category,
        }
        if category == 5:
            adv = item.get("adversarial_answer") or item.get("answer")
            if not isinstance(adv, str | int | float) or not str(adv).strip():
                continue
            q["adversarial_answer"] = str(adv).strip()
        else:
            ans = item.get("answer")
            if not isinstance(ans, str | int | float) or not str(ans).strip():
                continue
            q["answer"] = str(ans).strip()
        out.append(q)
    return out


async def observations(
    caller: Caller,
    prompts: Prompts,
    speakers: tuple[str, str],
    date_time: str,
    transcript: str,
    known: set[str],
) -> dict[str, list[Observation]]:
    prompt = prompts.render(
        "observations",
        date_time=date_time,
        transcript=transcript,
        speaker_a=speakers[0],
        speaker_b=speakers[1],
    )
    return await caller.json(
        "observations",
        prompt,
        lambda v: validate_observations(v, speakers, known),
        max_tokens=700,
    )


async def summary(
    caller: Caller,
    prompts: Prompts,
    speakers: tuple[str, str],
    previous: str,
    date_time: str,
    transcript: str,
) -> str:
    prompt = prompts.render(
        "summary",
        speaker_a=speakers[0],
        speaker_b=speakers[1],
        previous=previous or "(this is their first conversation)",
        date_time=date_time,
        transcript=transcript,
    )
    return await caller.parsed("summary", prompt, validate_summary, max_tokens=220)


async def verify(
    caller: Caller, prompts: Prompts, item: dict[str, Any], lines: dict[str, str]
) -> bool:
    """Answer from the cited lines only; keep the item when the answer matches its gold."""
    evidence = "\n".join(lines[e] for e in item["evidence"])
    reply = (
        await caller.text(
            prompts.render("verify", evidence=evidence, question=item["question"]), max_tokens=40
        )
    ).strip()
    reply = reply.splitlines()[0] if reply else ""
    if item["category"] == 5:
        return is_abstention(reply)
    return f1_score(reply, item["answer"]) >= VERIFY_F1_THRESHOLD


async def questions(
    caller: Caller,
    prompts: Prompts,
    speakers: tuple[str, str],
    transcript: str,
    lines: dict[str, str],
    *,
    per_category: int,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """All five categories; returns the verified items and drop counts per category."""
    known = set(lines)
    kept: list[dict[str, Any]] = []
    dropped: dict[str, int] = {}
    for category, (instruction, extra) in CATEGORY_INSTRUCTIONS.items():
        prompt = prompts.render(
            "qa",
            speaker_a=speakers[0],
            speaker_b=speakers[1],
            transcript=transcript,
            n=per_category,
            instruction=instruction,
            extra_field=extra,
        )
        try:
            items = await caller.json(
                f"qa-{category}",
                prompt,
                functools.partial(validate_qa, category=category, known=known),
                max_tokens=900,
            )
        except Rejected:
            continue
        for item in items[:per_category]:
            if await verify(caller, prompts, item, lines):
                kept.append(item)
            else:
                dropped[str(category)] = dropped.get(str(category), 0) + 1
    return kept, dropped


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1)
