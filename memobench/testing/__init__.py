"""Test helpers shared by memobench's own tests and plugin authors."""

from .fake_openai import FakeOpenAIServer, FakeRequest, Fault, ServerStats, count_tokens

__all__ = ["FakeOpenAIServer", "FakeRequest", "Fault", "ServerStats", "count_tokens"]
