"""Dated, versioned price table (USD per 1M tokens). Unknown models cost ``None``, never 0."""

from __future__ import annotations

price_table_version = "2025-06-01.1"
"""Bump when prices change; reports carry it so old results stay interpretable."""
price_table_date = "2025-06-01"
"""Date the prices were copied from the provider's public pricing page."""

#: model id → (input, cached input, output) USD per 1M tokens, OpenAI list prices.
OPENAI_PRICES: dict[str, tuple[float, float, float]] = {
    "gpt-4o": (2.50, 1.25, 10.00),
    "gpt-4o-mini": (0.15, 0.075, 0.60),
    "gpt-4.1": (2.00, 0.50, 8.00),
    "gpt-4.1-mini": (0.40, 0.10, 1.60),
    "gpt-4.1-nano": (0.10, 0.025, 0.40),
    "o4-mini": (1.10, 0.275, 4.40),
    "gpt-3.5-turbo": (0.50, 0.50, 1.50),
    "text-embedding-3-small": (0.02, 0.02, 0.0),
    "text-embedding-3-large": (0.13, 0.13, 0.0),
}

#: Backends that run on this machine: explicitly free.
FREE_BACKENDS = frozenset({"mock", "local"})


def cost_usd(
    spec: str, *, prompt_tokens: int, completion_tokens: int, cached_tokens: int = 0
) -> float | None:
    """Dollar cost of the given usage of ``spec`` (``backend:model``), or None if unknown."""
    backend, _, model = spec.partition(":")
    if backend in FREE_BACKENDS:
        return 0.0
    if backend != "openai":
        return None
    prices = OPENAI_PRICES.get(model)
    if prices is None:
        return None
    inp, cached_inp, out = prices
    uncached = max(0, prompt_tokens - cached_tokens)
    return (uncached * inp + cached_tokens * cached_inp + completion_tokens * out) / 1_000_000
