"""What every contract check shares: the error, the problem list, the sample conversation."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from ..data import Conversation
from ..errors import PluginError


class ContractError(PluginError):
    """A plugin breaks the contract; the message lists every broken rule."""

    def __init__(self, kind: str, name: str, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{kind} {name!r} breaks the memobench contract:\n{lines}")


class Problems(list[str]):
    """The broken rules found so far."""

    def raise_if_any(self, kind: str, name: str) -> None:
        if self:
            raise ContractError(kind, name, list(self))


@functools.cache
def sample_conversation(seed: int = 3) -> Conversation:
    """A small procedurally generated conversation (3 sessions, events, QA; no model call)."""
    from ..datasets import load_dataset
    from ..generation import ProceduralConfig, generate_procedural

    cfg = ProceduralConfig(conversations=1, sessions=3, days=30, events=3, turns=8, seed=seed)
    with tempfile.TemporaryDirectory(prefix="mb-contract-") as tmp:
        path = Path(tmp) / "contract.json"
        generate_procedural(cfg, path)
        return load_dataset(path).conversations[0]
