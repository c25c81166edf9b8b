"""Dataset manifests: where a dataset comes from and what it must look like."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .._util.resources import resource_dir


class ExpectedCounts(BaseModel):
    """Statistics a pinned file must have; checked on every load."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)
    conversations: int
    """Number of conversations."""
    sessions: int
    """Sessions with turns."""
    turns: int
    """Turns."""
    qa: int
    """QA items."""
    image_turns: int
    """Turns with an image URL."""
    categories: dict[str, int]
    """QA items per LoCoMo category number."""


class DatasetManifest(BaseModel):
    """A registered dataset: pinned source, licence, citation, expected shape."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)
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
    """sha256 of the file; downloads and pinned loads are checked against it."""
    license: str = ""
    """Licence of the data."""
    homepage: str = ""
    """Project page."""
    citation: str = ""
    """BibTeX."""
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
