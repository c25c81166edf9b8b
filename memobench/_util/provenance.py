"""What every result records about where it came from."""

from __future__ import annotations

import functools
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .._version import __version__

_TRACKED_PACKAGES = (
    *("openai", "chromadb", "llama-index-core", "nltk", "rouge-score", "pydantic"),
    *("ik-llama-cpp-python", "llama-cpp-python"),  # the local engines
)


class Provenance(BaseModel):
    """Code and environment identity of a run or a score."""

    model_config = ConfigDict(frozen=True)

    memobench_version: str
    """Installed memobench version."""
    git_commit: str | None = None
    """Commit of the memobench source tree, when it is a git checkout."""
    git_dirty: bool | None = None
    """Whether the checkout had uncommitted changes."""
    python: str = Field(default_factory=lambda: platform.python_version())
    """Python version."""
    packages: dict[str, str] = Field(default_factory=dict)
    """Versions of the packages that can change results."""
    created_at: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    """When this record was made (UTC)."""


@functools.cache
def git_commit() -> tuple[str | None, bool | None]:
    """Return (commit, dirty) of the source tree memobench runs from, or (None, None)."""
    root = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5
        )
        if commit.returncode != 0:
            return None, None
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        )
        return commit.stdout.strip(), bool(status.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return None, None


def _package_versions() -> dict[str, str]:
    out = {}
    for name in _TRACKED_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def collect_provenance() -> Provenance:
    commit, dirty = git_commit()
    return Provenance(
        memobench_version=__version__,
        git_commit=commit,
        git_dirty=dirty,
        python=sys.version.split()[0],
        packages=_package_versions(),
    )
