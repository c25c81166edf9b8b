"""What the runner gives an agent factory: conversation identity and harness services."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..data import Conversation
    from ..llm import LLMClient


@dataclass
class AgentContext:
    """Passed to every agent factory as ``context=``.

    Agents that call models use ``reader`` (and ``llm(spec)`` for others) so their calls go
    through the harness's LLM layer: cached, metered per phase, retried.
    """

    conversation_id: str
    """Which conversation this agent instance serves."""
    speakers: tuple[str, str]
    """The two speakers."""
    reader_spec: str
    """Model spec of the reader, e.g. ``local:gemma3-270m`` or ``openai:gpt-4o-mini``."""
    embedder_spec: str = "local:minilm"
    """Embedding model spec."""
    work_dir: Path = field(default_factory=lambda: Path("."))
    """A private directory for this agent and conversation (indexes, state)."""
    seed: int = 0
    """Seed for any random choice."""
    llm_options: dict[str, Any] = field(default_factory=dict)
    """Options for ``get_llm`` (base_url, ...)."""
    gold: Conversation | None = None
    """The annotated conversation; given only to agents that declare ``needs_gold`` (oracle)."""
    annotations: Conversation | None = None
    """Dataset-provided observations and session summaries (no QA): RAG databases."""

    _clients: dict[str, LLMClient] = field(default_factory=dict, repr=False)

    def llm(self, spec: str | None = None) -> LLMClient:
        """A client for ``spec`` (default: the reader), shared within this context."""
        from ..llm import get_llm

        spec = spec or self.reader_spec
        if spec not in self._clients:
            self._clients[spec] = get_llm(spec, **self.llm_options)
        return self._clients[spec]

    @property
    def reader(self) -> LLMClient:
        return self.llm()
