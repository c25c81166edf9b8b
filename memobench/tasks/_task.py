"""The task interface: what items a task asks, how it asks them, how it scores them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ..data import Conversation
from ..results import SampleRecord


class Task(Protocol):
    """A task such as ``qa``. The runner owns the loop; a task owns items and scoring."""

    name: str
    """Registry name."""
    version: str
    """Task version (prompts and item selection); runs with different versions never merge."""
    scoring_version: str
    """Version of the scoring rules."""
    main_metric: str
    """Headline metric key."""

    def prompt_hashes(self) -> dict[str, str]:
        """sha256 of every prompt file the task uses."""
        ...

    def items(self, conv: Conversation, *, limit: int | None, options: dict[str, Any]) -> list[Any]:
        """The items of one conversation; each has an ``item_id``."""
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
