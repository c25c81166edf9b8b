"""The task interface: what items a task asks, how it asks them, how it scores them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ..data import Conversation
from ..results import SampleRecord, TaskResult


class Task(Protocol):
    """A task such as ``qa``. The runner owns the loop; a task owns items and scoring.

    Optional members, read with :func:`task_report` and :func:`errata_metric` (a task
    without them gets no extra report and no errata column):

    - ``report(conversations, samples, *, options) -> dict``: task-specific extras for
      ``results.json`` (QA: answer-length statistics), computed from the final samples.
    - ``errata_metric: str``: the per-item score that is recomputed on errata-corrected gold
      (``<metric>_errata`` beside it) when a run asks for errata.
    """

    @property
    def name(self) -> str:
        """Registry name."""
        ...

    @property
    def version(self) -> str:
        """Task version (prompts and item selection); runs with different versions never merge."""
        ...

    @property
    def scoring_version(self) -> str:
        """Version of the scoring rules."""
        ...

    @property
    def main_metric(self) -> str:
        """Headline metric key."""
        ...

    def prompt_hashes(self) -> dict[str, str]:
        """sha256 of every prompt file the task uses."""
        ...

    def items(self, conv: Conversation, *, limit: int | None, options: dict[str, Any]) -> list[Any]:
        """The items of one conversation; each has a ``str`` ``item_id``."""
        ...

    async def ask(
        self, agent: Any, conv: Conversation, item: Any, *, options: dict[str, Any]
    ) -> dict[str, Any]:
        """Ask the agent; return the JSON record to store in ``answers.jsonl``."""
        ...

    def score(
        self,
        conversations: Sequence[Conversation],
        answers: dict[str, dict[str, Any]],
        *,
        options: dict[str, Any],
    ) -> list[SampleRecord]:
        """Score stored answers (keyed by item id) into sample records."""
        ...


def task_report(
    task: Task,
    conversations: Sequence[Conversation],
    samples: Sequence[SampleRecord],
    *,
    options: dict[str, Any],
) -> dict[str, Any]:
    """The task's own extra report (its optional ``report``), or ``{}``."""
    report = getattr(task, "report", None)
    return dict(report(conversations, samples, options=options)) if report else {}


def errata_metric(task: Task) -> str | None:
    """The score the task recomputes under errata (its optional ``errata_metric``), or None."""
    metric = getattr(task, "errata_metric", None)
    return metric if isinstance(metric, str) else None


def task_summary(task: Task, result: TaskResult) -> list[Any]:
    """What ``memobench run`` and ``memobench score`` print for the task's result: the task's
    own renderables (its optional ``summary``), else one line of its metrics."""
    summary = getattr(task, "summary", None)
    if summary is not None:
        return list(summary(result))
    metrics = ", ".join(
        f"{k} {v.value:.4f}" for k, v in sorted(result.metrics.items()) if v.value is not None
    )
    return [f"[bold]{task.name}[/]: {metrics}"]
