"""What the runner gives an agent factory: conversation identity and harness services."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..data import Conversation
    from ..gateway import GatewayLease
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
    _gateway: GatewayLease | None = field(default=None, repr=False)

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

    def gateway(
        self, *, routes: dict[str, str] | None = None, max_tokens_cap: int | None = None
    ) -> GatewayLease:
        """This agent instance's lease on the local OpenAI-compatible gateway (started on first
        use): ``base_url`` and a key of its own. Calls made with it use ``llm()`` (the reader
        unless ``routes`` maps the requested model name to another spec) and the context's
        embedder; wrap ingest/answer in ``lease.bound()`` so they are metered in the phase."""
        if self._gateway is None:
            from ..gateway import DEFAULT_MAX_TOKENS, open_lease

            self._gateway = open_lease(
                conversation_id=self.conversation_id,
                llm=self.llm,
                default_spec=self.reader_spec,
                embedder_spec=self.embedder_spec,
                routes=routes,
                max_tokens_cap=max_tokens_cap or DEFAULT_MAX_TOKENS,
            )
        return self._gateway
