"""Locate the bundled top-level folders (tasks/, datasets/, baselines/, schemas/).

In a wheel they are force-included under ``memobench/_bundled``; in a source checkout
(editable install, tests, CI) they sit at the repository root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]


def resource_dir(name: str) -> Path:
    """Return the folder ``name`` (``tasks``, ``datasets``, ``baselines``, ``schemas``)."""
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"memobench resource folder {name!r} not found near {_PACKAGE}")


def resource_path(name: str, *parts: str) -> Path:
    path = resource_dir(name).joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"memobench resource {path} does not exist")
    return path
