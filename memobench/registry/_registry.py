"""One generic registry for agents, datasets, dataset formats, tasks and LLM backends.

Built-ins and third-party plugins take the same path: an entry point in the group
``memobench.<kind>`` whose name is the registry name and whose value is a light factory,
imported only when that name is looked up (so ``memobench agents list`` stays fast).
"""

from __future__ import annotations

import difflib
import importlib
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import Distribution, EntryPoints, entry_points
from typing import Generic, Protocol, TypeVar, cast

from ..errors import PluginError

T = TypeVar("T")


class RegistryError(PluginError):
    """Raised for unknown or duplicate names; the message suggests close matches."""


@dataclass(frozen=True)
class _Lazy:
    target: str
    """A ``module:attr`` string, resolved on first lookup."""
    origin: str | Distribution
    """Where the registration came from: a distribution's entry point, or ``register``."""

    @property
    def source(self) -> str:
        # A distribution's name parses its METADATA file (~3 ms each): only when asked.
        if isinstance(self.origin, str):
            return self.origin
        return f"entry point ({self.origin.name})"


class _EntryPointSet(Protocol):
    """What ``entry_points()`` returns (``SelectableGroups`` before 3.12, then ``EntryPoints``)."""

    def select(self, *, group: str) -> EntryPoints: ...


_ALL_ENTRY_POINTS: dict[tuple[str, ...], _EntryPointSet] = {}


def _entry_points(group: str) -> EntryPoints:
    """``entry_points(group=group)``, reading the installed distributions once per ``sys.path``.

    Each ``entry_points()`` reads every distribution's metadata (~12 ms with a few hundred
    installed), and a run discovers about seven registries. Keyed by ``sys.path``, so a
    directory added later (a plugin on a path prepended at run time) is still seen.
    """
    key = tuple(sys.path)
    eps = _ALL_ENTRY_POINTS.get(key)
    if eps is None:
        eps = _ALL_ENTRY_POINTS[key] = entry_points()
    return eps.select(group=group)


def load_object(target: str) -> object:
    """Import ``module:attr`` (attr may be dotted) and return the object."""
    module_name, _, attr = target.partition(":")
    if not attr:
        raise RegistryError(f"{target!r} is not of the form 'module:attr'")
    obj: object = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


class Registry(Generic[T]):
    """A thread-safe name → object map with lazy entries and did-you-mean errors."""

    def __init__(self, kind: str, *, group: str | None = None) -> None:
        self.kind = kind
        self.group = group or f"memobench.{kind}"
        self._items: dict[str, T | _Lazy] = {}
        self._lock = threading.RLock()
        self._discovered = False

    def _discover(self) -> None:
        if self._discovered:
            return
        with self._lock:
            if self._discovered:
                return
            for ep in _entry_points(self.group):
                dist = getattr(ep, "dist", None)
                # The first distribution wins; a second one with the same name is ignored
                # because editable and regular installs of one package can both be visible.
                self._items.setdefault(
                    ep.name, _Lazy(ep.value, dist if dist is not None else "entry point")
                )
            self._discovered = True

    def register(self, name: str, obj: T | str, *, replace: bool = False) -> None:
        """Register ``obj`` (or a lazy ``module:attr`` string) under ``name``."""
        self._discover()
        with self._lock:
            if name in self._items and not replace:
                existing = self._items[name]
                same = (
                    isinstance(existing, _Lazy) and isinstance(obj, str) and existing.target == obj
                )
                if not same and existing is not obj:
                    raise RegistryError(f"{self.kind} {name!r} is already registered")
            self._items[name] = _Lazy(obj, "register") if isinstance(obj, str) else obj

    def decorator(self, name: str, *, replace: bool = False) -> Callable[[T], T]:
        """Return a decorator that registers the decorated object under ``name``."""

        def wrap(obj: T) -> T:
            self.register(name, obj, replace=replace)
            return obj

        return wrap

    def unregister(self, name: str) -> None:
        with self._lock:
            self._items.pop(name, None)

    def get(self, name: str) -> T:
        """Return the object registered under ``name``, importing it if lazy."""
        self._discover()
        with self._lock:
            if name not in self._items:
                raise RegistryError(self._unknown_message(name))
            item = self._items[name]
            if isinstance(item, _Lazy):
                try:
                    obj = load_object(item.target)
                except (ImportError, AttributeError) as exc:
                    raise RegistryError(
                        f"{self.kind} {name!r} ({item.target}, from {item.source}) failed to load: {exc}"
                    ) from exc
                # Entry points are untyped strings: this is the one place the registry trusts
                # the plugin to be what its group promises (memobench.testing checks it).
                loaded = cast(T, obj)
                self._items[name] = loaded
                return loaded
            return item

    def names(self) -> list[str]:
        self._discover()
        with self._lock:
            return sorted(self._items)

    def source(self, name: str) -> str:
        self._discover()
        item = self._items.get(name)
        if item is None:
            raise RegistryError(self._unknown_message(name))
        return item.source if isinstance(item, _Lazy) else "loaded"

    def __contains__(self, name: object) -> bool:
        self._discover()
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def _unknown_message(self, name: str) -> str:
        known = sorted(self._items)
        close = difflib.get_close_matches(name, known, n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        return f"Unknown {self.kind} {name!r}.{hint} Known: {', '.join(known) or '(none)'}"
