"""Deterministic ``uuid4`` inside LangMem and trustcall, so a rerun hits the cache.

LangMem puts a fresh ``uuid4`` in every extraction prompt (``<session_{uuid}>``) and keys new
memories by ``uuid4``; the keys reach later prompts as ``json_doc_id``. With random ids no
prompt repeats, so a rerun would pay for every call again. Both modules' ``uuid`` name is
replaced once by a proxy whose ``uuid4`` draws from a generator seeded per ``ingest`` call
(a context variable: concurrent conversations do not share a sequence); outside such a call
it is the real ``uuid4``, and every other attribute is the real ``uuid`` module's.
"""

from __future__ import annotations

import contextlib
import contextvars
import random
import threading
import types
import uuid
from collections.abc import Iterator
from typing import Any

_rng: contextvars.ContextVar[random.Random | None] = contextvars.ContextVar(
    "memobench_langmem_rng", default=None
)
_lock = threading.Lock()


class _SeededUUID(types.ModuleType):
    """``uuid`` with a seeded ``uuid4`` (see module docstring)."""

    def __init__(self) -> None:
        super().__init__("uuid")

    def __getattr__(self, name: str) -> Any:
        return getattr(uuid, name)

    @staticmethod
    def uuid4() -> uuid.UUID:
        rng = _rng.get()
        if rng is None:
            return uuid.uuid4()
        return uuid.UUID(int=rng.getrandbits(128), version=4)


def install(*modules: types.ModuleType) -> None:
    """Point each module's global ``uuid`` at the seeded proxy (idempotent)."""
    with _lock:
        for module in modules:
            if not isinstance(getattr(module, "uuid", None), _SeededUUID):
                module.uuid = _SeededUUID()  # type: ignore[attr-defined]


@contextlib.contextmanager
def seeded(seed: str) -> Iterator[None]:
    """Inside the block (and tasks started from it) ``uuid4`` is a function of ``seed``."""
    token = _rng.set(random.Random(seed))
    try:
        yield
    finally:
        _rng.reset(token)
