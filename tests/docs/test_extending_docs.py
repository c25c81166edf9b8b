"""Every Python block in docs/extending/*.md runs (in order, one namespace per guide)."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

from memobench.registry import agents, formats, llm_backends, tasks

DOCS = Path(__file__).resolve().parents[2] / "docs" / "extending"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
GUIDES = ["agent.md", "dataset-format.md", "task.md", "metric.md", "llm-backend.md"]
#: What each guide registers (removed again after the test).
REGISTERS = {
    "agent.md": (agents, "keyword"),
    "dataset-format.md": (formats, "chat-lines"),
    "task.md": (tasks, "who_said"),
    "metric.md": (tasks, "qa_exact"),
    "llm-backend.md": (llm_backends, "shout"),
}


def blocks(guide: str) -> list[str]:
    return BLOCK.findall((DOCS / guide).read_text(encoding="utf-8"))


def test_every_extension_point_has_a_guide_with_runnable_code() -> None:
    assert sorted(p.name for p in DOCS.glob("*.md")) == sorted([*GUIDES, "README.md"])
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for guide in GUIDES:
        assert f"({guide})" in index
        assert len(blocks(guide)) >= 2, guide


@pytest.mark.parametrize("guide", GUIDES)
def test_guide_code_runs(guide: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    registry, name = REGISTERS[guide]
    # A real module, as a plugin's would be (dataclasses and pickling look classes up there).
    module = types.ModuleType(f"memobench_docs_{guide[:-3].replace('-', '_')}")
    sys.modules[module.__name__] = module
    try:
        for i, code in enumerate(blocks(guide)):
            exec(compile(code, f"{guide}[block {i}]", "exec"), module.__dict__)
        assert name in registry
    finally:
        registry.unregister(name)
        del sys.modules[module.__name__]
    assert name not in registry
