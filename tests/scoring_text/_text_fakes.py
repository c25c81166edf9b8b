"""Fakes shared by the text-metric tests (unique module name: tests/ has no packages)."""

import numpy as np


class TableEmbed:
    """Fake embedder: fixed vectors per text; counts calls to check batching."""

    def __init__(self, table: dict[str, list[float]]):
        self.table = table
        self.calls: list[list[str]] = []

    def __call__(self, texts):
        self.calls.append(list(texts))
        return np.array([self.table[t] for t in texts], dtype=float)
