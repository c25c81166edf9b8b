"""LoCoMo's question protocol (§3.2): what the agent is shown and how replies are mapped back.

The agent never sees the category; the task applies LoCoMo's per-category question changes
(``protocol="locomo"``) or shows the raw question (``protocol="blind"``, memobench's option).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..agents import Question
from ..data import Conversation, QACategory, QAItem
from ._prompts import load_task_spec

PROTOCOLS = ("locomo", "blind")


@dataclass(frozen=True)
class RenderedQuestion:
    """A question as shown to the agent plus what is needed to map the reply back."""

    question: Question
    """What the agent gets."""
    options: tuple[str, str] | None = None
    """Category 5 under the LoCoMo protocol: options (a) and (b)."""


def render_question(
    conv: Conversation, qa: QAItem, *, protocol: str = "locomo", seed: int = 0
) -> RenderedQuestion:
    """Apply LoCoMo's per-category question modifications and fill the QA prompt."""
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown QA protocol {protocol!r}; choose from {PROTOCOLS}")
    spec = load_task_spec("qa")
    text = qa.question
    options = None
    frame = spec.prompt("qa")
    if protocol == "locomo":
        if qa.category is QACategory.TEMPORAL:
            text += spec.prompt("temporal_hint").text
        elif qa.category is QACategory.ADVERSARIAL:
            abstain = spec.prompt("cat5_abstain_option").text
            # LoCoMo reads qa['answer'] here and crashes; the distractor is adversarial_answer.
            distractor = qa.adversarial_answer or qa.answer or ""
            # Seeded per question (LoCoMo used unseeded random.random()), so reruns match.
            rng = random.Random(f"{seed}:{qa.qa_id}")
            options = (abstain, distractor) if rng.random() < 0.5 else (distractor, abstain)
            text += spec.prompt("cat5_options").render(a=options[0], b=options[1])
            frame = spec.prompt("qa_cat5")
    # The dataset's own time (LongMemEval ``question_date``, Locomo-Plus trigger time), else
    # after the last session (LoCoMo, BEAM).
    asked_at = qa.asked_at if qa.asked_at is not None else conv.sessions[-1].date_time
    question = Question(
        qa_id=qa.qa_id,
        text=text,
        raw_text=qa.question,
        instruction=frame.render(question=text),
        asked_at=asked_at,
    )
    return RenderedQuestion(question=question, options=options)


def map_cat5_reply(reply: str, options: tuple[str, str]) -> str:
    """LoCoMo's ``get_cat_5_answer``: a bare ``a``/``(a)`` picks option a, ``b``/``(b)`` b,
    anything else is kept (lowercased) and scored by the abstention phrase rule."""
    text = reply.lower().strip()
    if len(text) == 1:
        return options[0] if "a" in text else options[1]
    if len(text) == 3:
        return options[0] if "(a)" in text else options[1]
    return text
