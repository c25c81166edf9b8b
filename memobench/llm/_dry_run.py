"""A backend that answers without calling anything: for pricing a run before paying for it."""

from __future__ import annotations

from .._util.tokens import count_tokens
from ._mock import prompt_text
from ._types import Backend, Completion, GenerateConfig, Prompt, Usage, backend_endpoint

#: Reply length assumed when a call sets no ``max_tokens``.
UNBOUNDED_REPLY_TOKENS = 256


class DryRunBackend:
    """Stands in for ``inner`` without ever reaching it.

    Spec, endpoint and cache identity are the real backend's, so the client's cache lookups
    (free) and the price table (per spec) behave as they would for real. ``generate`` returns a
    filler of ``max_tokens`` tokens: every reply is as long as the real one may be, so prompts
    that embed earlier replies (running summaries) are upper bounds too. Prompt tokens are
    counted with memobench's tokenizer (cl100k), an estimate for models with other tokenizers.
    """

    store_in_cache = False
    """Filler must never be served as a real answer later."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.spec = inner.spec

    @property
    def endpoint(self) -> str:
        return backend_endpoint(self.inner)

    def __repr__(self) -> str:
        return f"DryRunBackend({self.inner!r})"

    def cache_identity(self) -> dict[str, object]:
        return self.inner.cache_identity()

    async def generate(self, prompt: Prompt, *, config: GenerateConfig) -> Completion:
        n = config.max_tokens if config.max_tokens is not None else UNBOUNDED_REPLY_TOKENS
        filler = " ".join(["x"] * n)
        text = f'{{"dry_run": "{filler}"}}' if config.response_format == "json" else filler
        return Completion(
            text=text,
            finish_reason="length",
            usage=Usage(prompt_tokens=count_tokens(prompt_text(prompt)), completion_tokens=n),
            latency_s=0.0,
            model=self.spec,
        )
