"""Tasks (QA, event summarization, dialogue generation) and their versioned prompts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._util.aio import call

# What reader agents (``memobench.baselines`` and third-party agents) need to answer the
# event-summary and dialogue tasks the way the tasks ask: budgets, prompts and reply cleaning.
from ._dialogue import TURN_TOKENS, clean_turn, prior_session, session_of, turn_prompt
from ._event_summary import (
    SUMMARY_TOKENS,
    incremental_prompt,
    is_none_reply,
    session_indices,
    summarize_prompt,
    window_sessions,
)
from ._prompts import PromptSet, PromptTemplate, TaskSpec, load_prompt_set, load_task_spec
from ._qa_datasets import label_table, lme_retrieval
from ._qa_protocol import PROTOCOLS, RenderedQuestion, map_cat5_reply, render_question
from ._qa_task import QATask, qa_task
from ._task import Task, errata_metric, task_report, task_summary

if TYPE_CHECKING:
    from ._dialogue import DialogueTask
    from ._event_summary import EventSummaryTask


def event_summary_task() -> EventSummaryTask:
    from ._event_summary import EventSummaryTask

    return EventSummaryTask()


def dialogue_task() -> DialogueTask:
    from ._dialogue import DialogueTask

    return DialogueTask()


__all__ = [
    "PROTOCOLS",
    "SUMMARY_TOKENS",
    "TURN_TOKENS",
    "PromptSet",
    "PromptTemplate",
    "QATask",
    "RenderedQuestion",
    "Task",
    "TaskSpec",
    "call",
    "clean_turn",
    "dialogue_task",
    "errata_metric",
    "event_summary_task",
    "incremental_prompt",
    "is_none_reply",
    "label_table",
    "lme_retrieval",
    "load_prompt_set",
    "load_task_spec",
    "map_cat5_reply",
    "prior_session",
    "qa_task",
    "render_question",
    "session_indices",
    "session_of",
    "summarize_prompt",
    "task_report",
    "task_summary",
    "turn_prompt",
    "window_sessions",
]
