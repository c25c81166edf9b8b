"""Top-level entry point of procedural mode: the data file plus its manifest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ._manifest import GenerationManifest, write_manifest
from ._procedural import PROCEDURAL_VERSION, ProceduralConfig, ProceduralConversation
from ._writer import write_dataset


class _Tracked:
    """Yield conversations lazily (one in memory at a time) and record their final sizes."""

    def __init__(self, config: ProceduralConfig) -> None:
        self.config = config
        self.tokens: dict[str, int] = {}
        self.sessions: dict[str, int] = {}

    def __iter__(self) -> Iterator[ProceduralConversation]:
        for i in range(self.config.conversations):
            conv = ProceduralConversation(self.config, i)
            yield conv  # the writer drains it completely before asking for the next one
            self.tokens[conv.sample_id] = conv.tokens
            self.sessions[conv.sample_id] = conv.n_sessions


def generate_procedural(config: ProceduralConfig, out: str | Path) -> GenerationManifest:
    """Generate ``config.conversations`` conversations into ``out`` (+ ``manifest.json``)."""
    tracked = _Tracked(config)
    digest = write_dataset(out, tracked)
    return write_manifest(
        out,
        mode="procedural",
        generator_version=PROCEDURAL_VERSION,
        seed=config.seed,
        parameters=config.model_dump(),
        data_sha256=digest,
        conversations=config.conversations,
        stats={"tokens_per_conversation": tracked.tokens, "sessions": tracked.sessions},
    )
