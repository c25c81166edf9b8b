"""Token counting for context budgets (tiktoken cl100k_base, offline)."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any


@functools.cache
def _encoding() -> Any:
    # llama-index ships tiktoken's BPE files; point tiktoken there so nothing is downloaded.
    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        try:
            import llama_index.core

            static = Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache"
            if static.is_dir():
                os.environ["TIKTOKEN_CACHE_DIR"] = str(static)
        except ImportError:
            pass
    try:
        import tiktoken

        return tiktoken.get_encoding("cl100k_base")
    except Exception:  # offline without the BPE file: fall back to the word estimate
        return None


@functools.lru_cache(maxsize=200_000)
def count_tokens(text: str) -> int:
    """cl100k_base tokens of ``text`` (words × 1.3 if the encoding is unavailable)."""
    enc = _encoding()
    if enc is None:
        return round(len(text.split()) * 1.3) + 1
    return len(enc.encode(text, disallowed_special=()))
