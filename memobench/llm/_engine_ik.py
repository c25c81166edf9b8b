"""The ``ik`` engine of the local server: llama.cpp through the prebuilt ``ik-llama-cpp-python``.

llama-cpp-python has no wheel on PyPI and compiles for minutes; ``ik-llama-cpp-python`` ships
a manylinux wheel of ik_llama.cpp (a llama.cpp fork with faster CPU kernels) with thin ctypes
bindings: tokenizer, ``llama_decode``, logits, and the C grammar sampler, but no chat
templates, stop strings, JSON-schema grammars or OpenAI-shaped results. This module adds
those, matching what llama-cpp-python's ``create_chat_completion``/``create_completion`` do
for the fields memobench sends, so the server answers the same requests either way:

- chat prompts render the GGUF's own ``tokenizer.chat_template`` with Jinja (sandboxed,
  ``trim_blocks``/``lstrip_blocks``, as llama-cpp-python's ``Jinja2ChatFormatter``), are
  tokenized with special tokens parsed and no extra BOS, and stop at the EOS text;
- completion prompts are tokenized with the vocabulary's own BOS rule;
- temperature 0 is greedy (argmax); above it, top-p sampling seeded by ``seed``;
- ``response_format`` ``json_object`` (with or without ``schema``) is grammar-constrained
  through :func:`memobench.llm._gbnf.schema_to_gbnf` and llama.cpp's grammar sampler;
- the KV cache keeps the previous prompt: a request sharing a token prefix with it evaluates
  only the rest (the server routes long shared prefixes to the same worker).

ik_llama.cpp 0.1.5 computes Q4_1 tensors wrongly on AVX-512 CPUs (logits correlate 0.8 with
llama-cpp-python's on the same file, while F16 matches to 1e-2): :func:`prepare_gguf`
requantizes such files to Q8_0 once, into the memobench cache (``notes/local.md``).
"""

from __future__ import annotations

import ctypes
import json
import subprocess
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

#: The ik-llama-cpp-python release these bindings are written against (its private ctypes
#: module is used for the struct layouts, which differ from upstream llama.cpp's).
IK_VERSION = "0.1.5"

#: GGUF ``general.file_type`` values ik_llama.cpp computes wrongly here, and what they become.
BROKEN_FILE_TYPES = {3: "Q8_0"}  # 3 = LLAMA_FTYPE_MOSTLY_Q4_1


def _api() -> Any:
    """The bindings, with the few functions ik-llama-cpp-python does not declare added."""
    from ik_llama_cpp import _ctypes_api as C

    lib = C._lib
    if not getattr(lib, "_memobench_bound", False):
        sigs: dict[str, tuple[list[Any], Any]] = {
            "llama_model_meta_val_str": (
                [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t],
                ctypes.c_int32,
            ),
            "llama_kv_cache_seq_rm": (
                [ctypes.c_void_p, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32],
                ctypes.c_bool,
            ),
            "llama_token_bos": ([ctypes.c_void_p], ctypes.c_int32),
            "llama_token_eos": ([ctypes.c_void_p], ctypes.c_int32),
            "llama_n_ctx": ([ctypes.c_void_p], ctypes.c_uint32),
            "llama_sampler_init_grammar": (
                [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p],
                ctypes.c_void_p,
            ),
            "llama_grammar_sample": (
                [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(C.llama_token_data_array)],
                None,
            ),
            "llama_grammar_accept_token": (
                [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int32],
                None,
            ),
            "llama_grammar_free": ([ctypes.c_void_p], None),
        }
        for name, (argtypes, restype) in sigs.items():
            fn = getattr(lib, name)
            fn.argtypes = argtypes
            fn.restype = restype
        lib._memobench_bound = True
    return C


def _meta(C: Any, model: int, key: str) -> str | None:
    size = C._lib.llama_model_meta_val_str(model, key.encode(), None, 0)
    if size < 0:
        return None
    buf = ctypes.create_string_buffer(size + 1)
    C._lib.llama_model_meta_val_str(model, key.encode(), buf, size + 1)
    return buf.value.decode("utf-8", errors="replace")


def gguf_file_type(path: Path) -> int | None:
    """``general.file_type`` of a GGUF, read by loading it (mmapped: a fraction of a second)."""
    from ik_llama_cpp._internals import IkModel

    C = _api()
    model = IkModel(str(path), use_mmap=True, use_mlock=False, n_gpu_layers=0)
    try:
        raw = _meta(C, model.model, "general.file_type")
    finally:
        model.close()
    return int(raw) if raw and raw.strip().isdigit() else None


def prepare_gguf(source: Path, cache: Path) -> tuple[Path, str]:
    """The file the engine should load for ``source`` and its quantization label.

    Files of a type in :data:`BROKEN_FILE_TYPES` are requantized once with the wheel's own
    ``llama-quantize`` into ``cache`` (temp name, then rename: concurrent processes never see
    half a file); others are used as they are."""
    # A file requantized by an earlier start is used without loading the source again.
    for done_type in dict.fromkeys(BROKEN_FILE_TYPES.values()):
        earlier = _requantized(source, cache, done_type)
        if earlier.exists() and earlier.stat().st_size > 0:
            return earlier, done_type
    file_type = gguf_file_type(source)
    target_type = BROKEN_FILE_TYPES.get(file_type) if file_type is not None else None
    if target_type is None:
        return source, "as-shipped"
    target = _requantized(source, cache, target_type)
    from ik_llama_cpp.quantize import find_quantize_bin

    binary = find_quantize_bin()
    if binary is None:
        raise RuntimeError("ik-llama-cpp-python's llama-quantize binary is missing")
    cache.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{uuid.uuid4().hex}.tmp")
    cmd = [str(binary), "--allow-requantize", str(source), str(tmp), target_type, "1"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0 or not tmp.exists():
        raise RuntimeError(f"requantizing {source.name} failed: {done.stderr[-1000:]}")
    tmp.replace(target)
    return target, target_type


def _requantized(source: Path, cache: Path, file_type: str) -> Path:
    return cache / f"{source.stem}.ik-{file_type.lower()}.gguf"


class SharedModel:
    """One loaded GGUF (mmapped weights) and what every context of it needs."""

    def __init__(self, path: Path) -> None:
        from ik_llama_cpp._internals import IkModel

        self.C = _api()
        self.model = IkModel(str(path), use_mmap=True, use_mlock=False, n_gpu_layers=0)
        self.ptr = self.model.model
        self.n_vocab = int(self.model.n_vocab)
        self.template = _meta(self.C, self.ptr, "tokenizer.chat_template")
        self.bos_text = self.piece(self.C._lib.llama_token_bos(self.ptr), special=True)
        self.eos_text = self.piece(self.C._lib.llama_token_eos(self.ptr), special=True)
        self._render: Any = None
        self._lock = threading.Lock()

    def piece(self, token: int, *, special: bool = False) -> str:
        return self.piece_bytes(token, special=special).decode("utf-8", errors="replace")

    def piece_bytes(self, token: int, *, special: bool = False) -> bytes:
        buf = ctypes.create_string_buffer(64)
        n = self.C.llama_token_to_piece(self.ptr, token, buf, 64, 0, special)
        if n < 0:  # a longer piece: retry with the size it asked for
            buf = ctypes.create_string_buffer(-n)
            n = self.C.llama_token_to_piece(self.ptr, token, buf, -n, 0, special)
        return buf.raw[: max(n, 0)]

    def tokenize(self, text: str, *, add_special: bool) -> list[int]:
        data = text.encode("utf-8")
        n = self.C.llama_tokenize(self.ptr, data, len(data), None, 0, add_special, True)
        buf = (self.C.llama_token * abs(n))()
        n = self.C.llama_tokenize(self.ptr, data, len(data), buf, abs(n), add_special, True)
        return list(buf[:n])

    def render_chat(self, messages: list[dict[str, Any]]) -> str:
        """The prompt llama-cpp-python's Jinja2ChatFormatter renders for ``messages``."""
        with self._lock:
            if self._render is None:
                if not self.template:
                    raise ValueError("the model has no chat template: use /v1/completions")
                from jinja2.ext import loopcontrols
                from jinja2.sandbox import ImmutableSandboxedEnvironment

                env = ImmutableSandboxedEnvironment(
                    trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols]
                )
                env.filters["tojson"] = lambda x, indent=None, **_: json.dumps(
                    x, ensure_ascii=False, indent=indent
                )
                self._render = env.from_string(self.template)

        def raise_exception(message: str) -> None:
            raise ValueError(message)

        return str(
            self._render.render(
                messages=messages,
                eos_token=self.eos_text,
                bos_token=self.bos_text,
                raise_exception=raise_exception,
                add_generation_prompt=True,
                strftime_now=lambda f: datetime.now().strftime(f),
            )
        )


class IkEngine:
    """One llama.cpp context: serves one request at a time (the server's pool holds several)."""

    def __init__(self, shared: SharedModel, *, n_ctx: int, threads: int) -> None:
        from ik_llama_cpp._internals import IkContext

        self.shared = shared
        self.C = shared.C
        # Flash attention off: ik_llama.cpp asserts on long prompts without AVX-VNNI, and
        # the reference (llama-cpp-python) does not use it either.
        self.context = IkContext(
            shared.model,
            n_ctx=n_ctx,
            n_threads=threads,
            flash_attn=False,
            embeddings=False,
            pooling_type=self.C.LLAMA_POOLING_TYPE_UNSPECIFIED,
            attention_type=self.C.LLAMA_ATTENTION_TYPE_UNSPECIFIED,
            n_seq_max=1,
        )
        self.ctx = self.context.ctx
        self.n_ctx = int(self.C._lib.llama_n_ctx(self.ctx))
        self.n_ubatch = int(self.context._n_ubatch)
        self._cached: list[int] = []
        """Tokens whose keys and values are in this context's KV cache, in order."""
        n = shared.n_vocab
        self._cand = np.zeros(n, dtype=np.dtype([("id", "<i4"), ("logit", "<f4"), ("p", "<f4")]))
        self._cand_ids = np.arange(n, dtype=np.int32)
        self._one = np.zeros(1, dtype=self._cand.dtype)
        self.greedy_grammar_shortcut = True
        """Check a greedy step's best token alone against the grammar first (same tokens;
        off only to compare with the full-vocabulary filter)."""

    def forget(self) -> None:
        """Empty the KV cache: the next prompt is evaluated from its first token."""
        self._cached = []
        self.C.llama_kv_cache_clear(self.ctx)

    # -- the two OpenAI-shaped entry points (the fields of llama-cpp-python's) --

    def create_chat_completion(self, messages: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
        kw.setdefault("temperature", 0.2)  # llama-cpp-python's defaults per endpoint
        prompt = self.shared.render_chat(messages)
        tokens = self.shared.tokenize(prompt, add_special=False)
        stop = [*_stops(kw.pop("stop", None)), self.shared.eos_text]
        text, n_out, finish = self._complete(tokens, stop=stop, **kw)
        return {
            "id": f"chatcmpl-{uuid.uuid4()}",
            "object": "chat.completion",
            "created": int(time.time()),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "logprobs": None,
                    "finish_reason": finish,
                }
            ],
            "usage": _usage(len(tokens), n_out),
        }

    def create_completion(self, prompt: str, **kw: Any) -> dict[str, Any]:
        kw.setdefault("temperature", 0.8)
        tokens = self.shared.tokenize(prompt, add_special=True)
        text, n_out, finish = self._complete(tokens, stop=_stops(kw.pop("stop", None)), **kw)
        return {
            "id": f"cmpl-{uuid.uuid4()}",
            "object": "text_completion",
            "created": int(time.time()),
            "choices": [{"text": text, "index": 0, "logprobs": None, "finish_reason": finish}],
            "usage": _usage(len(tokens), n_out),
        }

    # -- internals --

    def _complete(
        self,
        tokens: list[int],
        *,
        stop: list[str],
        max_tokens: int | None = None,
        temperature: float = 0.8,
        top_p: float = 0.95,
        seed: int | None = None,
        response_format: dict[str, Any] | None = None,
        presence_penalty: float = 0.0,
        frequency_penalty: float = 0.0,
    ) -> tuple[str, int, str]:
        if not tokens:
            raise ValueError("empty prompt")
        if len(tokens) > self.n_ctx:
            raise ValueError(
                f"Requested tokens ({len(tokens)}) exceed context window of {self.n_ctx}"
            )
        budget = self.n_ctx - len(tokens)
        if max_tokens is None or max_tokens <= 0 or max_tokens > budget:
            max_tokens = budget
        grammar = self._grammar(response_format)
        try:
            return self._generate(
                tokens,
                stop=stop,
                max_tokens=max_tokens,
                temperature=temperature,
                top_p=top_p,
                rng=np.random.default_rng(seed),
                grammar=grammar,
                penalties=(presence_penalty or 0.0, frequency_penalty or 0.0),
            )
        finally:
            if grammar:
                self.C._lib.llama_grammar_free(grammar)

    def _grammar(self, response_format: dict[str, Any] | None) -> int | None:
        if not response_format or response_format.get("type") != "json_object":
            return None
        from ._gbnf import schema_to_gbnf

        text = schema_to_gbnf(response_format.get("schema"))
        vocab = self.C.llama_model_get_vocab(self.shared.ptr)
        grammar = self.C._lib.llama_sampler_init_grammar(vocab, text.encode(), b"root")
        if not grammar:
            raise ValueError("the JSON schema's grammar did not compile")
        return int(grammar)

    def _evaluate(self, tokens: list[int]) -> None:
        """Put ``tokens`` in the KV cache, keeping the prefix already there."""
        keep = 0
        for a, b in zip(self._cached, tokens, strict=False):
            if a != b:
                break
            keep += 1
        keep = min(keep, len(tokens) - 1)  # the last token is evaluated again for its logits
        self.C._lib.llama_kv_cache_seq_rm(self.ctx, -1, keep, -1)
        self._cached = tokens[:keep]
        self._decode(tokens[keep:], start=keep)

    def _decode(self, tokens: list[int], *, start: int) -> None:
        from ik_llama_cpp._internals import make_batch_range

        for i in range(0, len(tokens), self.n_ubatch):
            chunk = tokens[i : i + self.n_ubatch]
            last = i + self.n_ubatch >= len(tokens)
            batch = make_batch_range(chunk, pos_start=start + i, logits_last=last)
            try:
                ret = self.context.decode(batch)
            finally:
                self.C.llama_batch_free(batch)
            if ret != 0:
                self.forget()
                raise RuntimeError(f"llama_decode failed ({ret})")
            self._cached.extend(chunk)

    def _logits(self) -> np.ndarray:
        ptr = self.C.llama_get_logits_ith(self.ctx, -1)
        view = ctypes.cast(ptr, ctypes.POINTER(ctypes.c_float))
        return np.ctypeslib.as_array(view, shape=(self.shared.n_vocab,)).copy()

    def _grammar_sample(self, cand: np.ndarray, grammar: int) -> int:
        """llama.cpp's grammar sampler over the candidates ``cand`` (records of ``_cand``'s
        layout, edited in place: refused ones get -inf); the size it leaves."""
        cand["p"] = 0.0
        arr = self.C.llama_token_data_array()
        arr.data = cand.ctypes.data_as(ctypes.POINTER(self.C.llama_token_data))
        arr.size = len(cand)
        arr.selected = -1
        arr.sorted = False
        self.C._lib.llama_grammar_sample(grammar, self.ctx, ctypes.byref(arr))
        return int(arr.size)

    def _greedy_if_allowed(self, logits: np.ndarray, grammar: int) -> int:
        """The unconstrained argmax if the grammar accepts it next, else -1.

        Greedy decoding under a grammar picks the best token the grammar accepts; when that is
        the overall best (most steps of a JSON reply), checking that one candidate gives the
        same token as filtering the whole vocabulary, which costs ~40 ms a step on Gemma 3's
        262K entries: graphiti-shaped calls 1.6x faster there, SmolLM2's 49K about even
        (``benchmarks/bench_grammar.py``). Ties resolve alike: ``argmax`` takes the first
        maximum either way.
        """
        token = int(np.argmax(logits))
        one = self._one
        one["id"] = token
        one["logit"] = logits[token]
        allowed = self._grammar_sample(one, grammar)
        return token if allowed == 1 and np.isfinite(one["logit"][0]) else -1

    def _constrain(self, logits: np.ndarray, grammar: int) -> np.ndarray:
        cand = self._cand
        cand["id"] = self._cand_ids
        cand["logit"] = logits
        size = self._grammar_sample(cand, grammar)
        out = np.full_like(logits, -np.inf)
        out[cand["id"][:size]] = cand["logit"][:size]
        return out

    def _generate(
        self,
        tokens: list[int],
        *,
        stop: list[str],
        max_tokens: int,
        temperature: float,
        top_p: float,
        rng: np.random.Generator,
        grammar: int | None,
        penalties: tuple[float, float],
    ) -> tuple[str, int, str]:
        self._evaluate(tokens)
        out = bytearray()
        counts: dict[int, int] = {}
        n_out = 0
        while n_out < max_tokens:
            logits = self._logits()
            if counts and (penalties[0] or penalties[1]):
                ids = np.fromiter(counts, dtype=np.int64)
                freq = np.fromiter(counts.values(), dtype=np.float32)
                logits[ids] -= penalties[0] + penalties[1] * freq
            token = -1
            if grammar and temperature <= 0 and self.greedy_grammar_shortcut:
                token = self._greedy_if_allowed(logits, grammar)
            if token < 0:
                if grammar:
                    logits = self._constrain(logits, grammar)
                    if not np.isfinite(logits).any():
                        # Nothing the grammar allows (not even the end): stop here rather than
                        # feed it a token it rejects (llama.cpp aborts the process on that).
                        return _text(out), n_out, "stop"
                token = _pick(logits, temperature, top_p, rng)
            if self.C.llama_token_is_eog(self.shared.ptr, token):
                return _text(out), n_out, "stop"
            if grammar:
                self.C._lib.llama_grammar_accept_token(grammar, self.ctx, token)
            n_out += 1
            counts[token] = counts.get(token, 0) + 1
            out += self.shared.piece_bytes(token)
            text = _text(out)
            cut = min((i for i in (text.find(s) for s in stop if s) if i >= 0), default=-1)
            if cut >= 0:
                return text[:cut], n_out, "stop"
            if n_out < max_tokens:
                self._decode([token], start=len(self._cached))
        return _text(out), n_out, "length"


def _pick(logits: np.ndarray, temperature: float, top_p: float, rng: np.random.Generator) -> int:
    if temperature <= 0:
        return int(np.argmax(logits))
    scaled = (logits - logits.max()) / temperature
    probs = np.exp(scaled)
    probs /= probs.sum()
    order = np.argsort(-probs, kind="stable")
    keep = int(np.searchsorted(np.cumsum(probs[order]), top_p) + 1) if top_p < 1 else len(order)
    chosen = order[:keep]
    p = probs[chosen] / probs[chosen].sum()
    return int(rng.choice(chosen, p=p))


def _text(data: bytearray) -> str:
    # A multi-byte character split across tokens is dropped until its last byte arrives.
    return bytes(data).decode("utf-8", errors="ignore")


def _stops(stop: str | list[str] | None) -> list[str]:
    return [] if stop is None else [stop] if isinstance(stop, str) else list(stop)


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
