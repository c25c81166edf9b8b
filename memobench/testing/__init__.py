"""Test helpers shared by memobench's own tests and plugin authors."""

from ._structured import bow_embedding, minimal_instance
from .fake_openai import FakeOpenAIServer, FakeRequest, Fault, ServerStats, count_tokens

__all__ = [
    "FakeOpenAIServer",
    "FakeRequest",
    "Fault",
    "ServerStats",
    "bow_embedding",
    "count_tokens",
    "minimal_instance",
]
