"""llama-cpp-python's view of the ik engine's test prompts, written as JSON (run as a script).

A process of its own: llama-cpp-python loads its library with ``RTLD_GLOBAL``, and
ik_llama.cpp's library exports the same symbol names, so in one process one engine's calls can
bind to the other's code. ``python _ik_reference.py GGUF OUT.json`` reads the prompts from
``ik_engine_cases.CHATS`` / ``COMPLETION`` and writes prompt tokens and next-token logits.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import llama_cpp
import numpy as np


def main(gguf: str, out: str) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from ik_engine_cases import CHATS, COMPLETION

    llm = llama_cpp.Llama(gguf, n_ctx=2048, n_threads=1, verbose=False)
    chats = []
    for messages in CHATS:
        done = llm.create_chat_completion(messages, max_tokens=1, temperature=0)
        tokens = [int(t) for t in llm._input_ids[: done["usage"]["prompt_tokens"]]]
        llm.reset()
        llm.eval(tokens)
        ptr = llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1)
        logits = np.ctypeslib.as_array(ptr, shape=(llm.n_vocab(),)).astype(float).tolist()
        chats.append({"tokens": tokens, "logits": logits})
    completion = llm.tokenize(COMPLETION.encode(), add_bos=True, special=True)
    Path(out).write_text(json.dumps({"chats": chats, "completion": completion}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
