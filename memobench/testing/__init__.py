"""Test helpers shared by memobench's own tests and plugin authors."""

from ._structured import bow_embedding, minimal_instance
from .contract import (
    ContractError,
    check_agent,
    check_dataset_format,
    check_task,
    sample_conversation,
)
from .fake_openai import FakeOpenAIServer, FakeRequest, Fault, ServerStats, count_tokens

__all__ = [
    "ContractError",
    "FakeOpenAIServer",
    "FakeRequest",
    "Fault",
    "ServerStats",
    "bow_embedding",
    "check_agent",
    "check_dataset_format",
    "check_task",
    "count_tokens",
    "minimal_instance",
    "sample_conversation",
]
