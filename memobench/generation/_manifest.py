"""``manifest.json``: everything needed to know how a generated dataset was made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .._util.files import atomic_write_text
from .._util.provenance import Provenance, collect_provenance

MANIFEST_NAME = "manifest.json"


class GenerationManifest(BaseModel):
    """Written beside the data file as ``manifest.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    generator: str = "memobench.generation"
    """Producer."""
    mode: str
    """``procedural`` or ``llm``."""
    generator_version: str
    """Version of the mode's logic (bumped when output for a seed changes)."""
    seed: int
    """Master seed."""
    parameters: dict[str, Any]
    """All generation parameters."""
    models: list[str] = Field(default_factory=list)
    """Model specs used (LLM mode)."""
    prompt_hashes: dict[str, str] = Field(default_factory=dict)
    """Template name → sha256 of its text (LLM mode)."""
    data_file: str
    """Data file name (relative to the manifest)."""
    data_sha256: str
    """sha256 of the data file."""
    conversations: int
    """Conversations written."""
    stats: dict[str, Any] = Field(default_factory=dict)
    """Tokens per conversation, dropped items, retries..."""
    provenance: Provenance
    """memobench version, git commit, Python and package versions, creation time."""


def manifest_path(data_path: str | Path) -> Path:
    return Path(data_path).parent / MANIFEST_NAME


def write_manifest(data_path: str | Path, **fields: Any) -> GenerationManifest:
    """Build the manifest for ``data_path`` and write it beside the file."""
    manifest = GenerationManifest(
        data_file=Path(data_path).name, provenance=collect_provenance(), **fields
    )
    atomic_write_text(manifest_path(data_path), manifest.model_dump_json(indent=2) + "\n")
    return manifest
