"""Tasks (QA, event summarization, dialogue generation) and their versioned prompts."""

from ._prompts import PromptTemplate, TaskSpec, load_task_spec
from ._qa_protocol import PROTOCOLS, RenderedQuestion, map_cat5_reply, render_question
from ._qa_task import QATask, call, qa_task
from ._task import Task


def event_summary_task():  # type: ignore[no-untyped-def]
    from ._event_summary import EventSummaryTask

    return EventSummaryTask()


def dialogue_task():  # type: ignore[no-untyped-def]
    from ._dialogue import DialogueTask

    return DialogueTask()


__all__ = [
    "PROTOCOLS",
    "PromptTemplate",
    "QATask",
    "RenderedQuestion",
    "Task",
    "TaskSpec",
    "call",
    "dialogue_task",
    "event_summary_task",
    "load_task_spec",
    "map_cat5_reply",
    "qa_task",
    "render_question",
]
