"""``mock:<name>``: a scripted model for tests, registered like a real backend."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable
from typing import ClassVar

from ._types import Completion, GenerateConfig, Message, Prompt, Usage

Script = Callable[[str], str]


def prompt_text(prompt: Prompt) -> str:
    """Flatten a prompt to text (what a scripted function sees and what tokens are counted on)."""
    if isinstance(prompt, str):
        return prompt
    return "\n".join(f"{m.role}: {m.content}" for m in prompt if isinstance(m, Message))


class MockBackend:
    """Answers from a queue of strings or from a function of the prompt.

    Scripts are looked up by name in a process-wide table, so a test can do
    ``MockBackend.script("reader", fn)`` and then run the real pipeline with
    ``--model mock:reader``.
    """

    _scripts: ClassVar[dict[str, Script | deque[str]]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, name: str, *, delay_s: float = 0.0) -> None:
        self.name = name
        self.spec = f"mock:{name}"
        self.delay_s = delay_s
        self.calls: list[str] = []

    @classmethod
    def script(cls, name: str, answers: Script | list[str]) -> None:
        """Set what ``mock:<name>`` answers: a function of the prompt text or a queue."""
        with cls._lock:
            cls._scripts[name] = answers if callable(answers) else deque(answers)

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls._scripts.clear()

    def cache_identity(self) -> dict[str, object]:
        return {"backend": "mock", "model": self.name}

    def _answer(self, text: str) -> str:
        with self._lock:
            script = self._scripts.get(self.name)
            if script is None:
                return "mock answer"
            if callable(script):
                return script(text)
            if not script:
                raise RuntimeError(f"mock:{self.name} has no scripted answers left")
            return script.popleft()

    async def generate(self, prompt: Prompt, *, config: GenerateConfig) -> Completion:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        text = prompt_text(prompt)
        self.calls.append(text)
        answer = self._answer(text)
        return Completion(
            text=answer,
            finish_reason="stop",
            usage=Usage(prompt_tokens=len(text.split()), completion_tokens=len(answer.split())),
            model=self.spec,
        )
