"""Resolve ``--agent`` values: a registry name, ``module:Class`` or ``path/to/file.py:Class``."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..registry import agents as agent_registry
from ..registry import load_object
from ._context import AgentContext


@dataclass(frozen=True)
class AgentFactory:
    """A resolved agent: how to build one per conversation, and its identity."""

    name: str
    """What the user asked for."""
    target: Callable[..., Any]
    """The class or factory function."""
    version: str
    """``target.version`` or ``__version__`` of its module, else "0"."""

    @property
    def needs_gold(self) -> bool:
        return bool(getattr(self.target, "needs_gold", False))

    def build(self, context: AgentContext, config: dict[str, Any]) -> Any:
        params = inspect.signature(self.target).parameters
        accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        kwargs = dict(config)
        if "context" in params or accepts_any:
            kwargs["context"] = context
        unknown = [k for k in kwargs if k not in params and not accepts_any]
        if unknown:
            raise TypeError(f"agent {self.name!r} does not take option(s): {', '.join(unknown)}")
        return self.target(**kwargs)


def _load_file(spec: str) -> Any:
    path_text, _, attr = spec.rpartition(":")
    path = Path(path_text).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"agent file {path} does not exist")
    mod_name = f"memobench_user_agent_{abs(hash(str(path)))}"
    module_spec = importlib.util.spec_from_file_location(mod_name, path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[mod_name] = module
    module_spec.loader.exec_module(module)
    try:
        return getattr(module, attr)
    except AttributeError:
        raise AttributeError(f"{path} has no attribute {attr!r}") from None


def resolve_agent(spec: str) -> AgentFactory:
    """Find the factory for ``spec``."""
    if ".py:" in spec:
        target = _load_file(spec)
    elif ":" in spec:
        target = load_object(spec)
    else:
        target = agent_registry.get(spec)
    version = getattr(target, "version", None)
    if version is None:
        module = sys.modules.get(getattr(target, "__module__", ""), None)
        version = getattr(module, "__version__", "0")
    return AgentFactory(name=spec, target=target, version=str(version))
