"""Built-in backend factories, registered through the ``memobench.llm`` entry points."""

from __future__ import annotations

from typing import Any

from ._types import Backend


def mock_backend(model: str, **_: object) -> Backend:
    from ._mock import MockBackend

    return MockBackend(model)


def openai_backend(model: str, **options: Any) -> Backend:
    """Options: ``base_url`` (else ``$OPENAI_BASE_URL``), ``api_key`` (else ``$OPENAI_API_KEY``),
    ``mode`` ('auto' | 'chat' | 'completion'), ``pool_size``."""
    from ._openai import OpenAIBackend

    return OpenAIBackend(model, **options)


def local_backend(model: str, **options: Any) -> Backend:
    from ._local import LocalBackend

    if options:
        raise TypeError(f"local backend takes no options, got {sorted(options)}")
    return LocalBackend(model)
