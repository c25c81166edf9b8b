"""Dataset manifests: where a dataset comes from and what it must look like."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .._util.resources import resource_dir


class ExpectedCounts(BaseModel):
    """Statistics a pinned file must have; checked on every load."""

    model_config = ConfigDict(frozen=True)
    conversations: int
    """Number of conversations."""
    sessions: int | None = None
    """Sessions with turns."""
    turns: int | None = None
    """Turns."""
    qa: int | None = None
    """QA items."""
    image_turns: int | None = None
    """Turns with an image URL."""
    categories: dict[str, int] | None = None
    """QA items per LoCoMo category number (LoCoMo-shaped datasets)."""
    labels: dict[str, int] | None = None
    """QA items per the dataset's own type (``QAItem.label``; LoCoMo: the category label)."""
    subtypes: dict[str, int] | None = None
    """QA items per ``gold['subtype']`` (Locomo-Plus relation types)."""


class DatasetManifest(BaseModel):
    """A registered dataset: pinned source, licence, citation, expected shape."""

    model_config = ConfigDict(frozen=True)
    name: str
    """Registry name."""
    version: str = "1"
    """Manifest version."""
    format: str = "locomo"
    """File format (``locomo``)."""
    description: str = ""
    """One line."""
    filename: str
    """Path of the file inside a data directory (e.g. ``locomo/locomo10.json``)."""
    url: str | None = None
    """Pinned download URL."""
    sha256: str
    """sha256 of the file; downloads and pinned loads are checked against it. Empty when
    unknown (then ``git_blobs`` must pin every part)."""
    license: str = ""
    """Licence of the data."""
    homepage: str = ""
    """Project page."""
    citation: str = ""
    """BibTeX."""
    parts: dict[str, str] = Field(default_factory=dict)
    """Multi-file datasets (``filename`` is a folder): local relative path → URL suffix,
    appended to ``url``. The folder's sha256 is that of its ``SHA256SUMS``-style listing."""
    git_blobs: dict[str, str] = Field(default_factory=dict)
    """Local relative path → git blob id (SHA-1) at the pinned commit: downloads of a
    multi-file dataset whose files are not all hashed here are checked part by part."""
    expected: ExpectedCounts | None = None
    """Counts asserted when the loaded file has ``sha256``."""
    source: str = Field(default="", exclude=True)
    """The manifest file it was read from."""


def read_manifest(path: str | Path) -> DatasetManifest:
    path = Path(path)
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return DatasetManifest(**data, source=str(path))


def builtin_manifest(name: str) -> DatasetManifest:
    """Read ``datasets/<name>.toml`` from the bundled manifests."""
    return read_manifest(resource_dir("datasets") / f"{name}.toml")
