"""The dataset-format contract: one reader per on-disk format, found through the registry.

A manifest's ``format`` names its reader; a file given by path is read as ``locomo`` unless
``--format`` says otherwise. Third-party formats register under the ``memobench.formats``
entry-point group, exactly as the built-in ones do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from ..data import Conversation
from ..registry import formats as format_registry
from ._report import LoadReport


@runtime_checkable
class DatasetFormat(Protocol):
    """Reads one on-disk format into memobench's data model."""

    name: str
    """Registry name (the manifest's ``format``)."""

    def read(self, path: Path) -> tuple[list[Conversation], LoadReport]:
        """Read ``path``; malformed input raises ``DatasetFormatError`` naming file, record, field."""
        ...


class LocomoFormat:
    """LoCoMo's JSON (``locomo10.json`` and memobench-generated datasets)."""

    name = "locomo"

    def read(self, path: Path) -> tuple[list[Conversation], LoadReport]:
        from ._locomo import read_locomo_json

        return read_locomo_json(path)


def locomo_format() -> DatasetFormat:
    """Entry-point factory of the ``locomo`` format."""
    return LocomoFormat()


#: Keys that open a record of each JSON format (their upstream files put them first).
_SNIFF = (("longmemeval", '"question_id"'), ("locomo-plus", '"cue_dialogue"'))


def sniff_format(path: Path) -> str:
    """The format of a dataset given by path: a folder is BEAM; a JSON file is LongMemEval or
    Locomo-Plus when its first record's keys say so; anything else is LoCoMo (the default)."""
    if path.is_dir():
        return "beam"
    with open(path, encoding="utf-8", errors="replace") as fh:
        head = fh.read(4096)
    for name, key in _SNIFF:
        if key in head and '"sample_id"' not in head:
            return name
    return "locomo"


def get_format(name: str) -> DatasetFormat:
    """The reader registered as ``name`` (an unknown name lists the known ones)."""
    factory = format_registry.get(name)
    fmt = factory()
    if not isinstance(fmt, DatasetFormat):
        from ..errors import PluginError

        raise PluginError(f"format {name!r} factory returned {type(fmt).__name__}, not a reader")
    return fmt


class _Reader:
    """A format backed by one reader function (imported on first use: plugins load lazily)."""

    def __init__(self, name: str, module: str, func: str) -> None:
        self.name, self._module, self._func = name, module, func

    def read(self, path: Path) -> tuple[list[Conversation], LoadReport]:
        import importlib

        reader = getattr(importlib.import_module(self._module, __package__), self._func)
        result: tuple[list[Conversation], LoadReport] = reader(path)
        return result


def longmemeval_format() -> DatasetFormat:
    """LongMemEval JSON (cleaned ``_s``/``_m`` and oracle)."""
    return _Reader("longmemeval", "._longmemeval", "read_longmemeval")


def beam_format() -> DatasetFormat:
    """BEAM: a bucket directory of ``<n>/chat.json`` + ``probing_questions.json``."""
    return _Reader("beam", "._beam", "read_beam")


def locomo_plus_format() -> DatasetFormat:
    """Locomo-Plus items, each stitched into its LoCoMo conversation."""
    return _Reader("locomo-plus", "._locomo_plus", "read_locomo_plus")


def locomo_plus_unified_format() -> DatasetFormat:
    """LoCoMo's ten conversations plus the stitched Locomo-Plus items."""
    return _Reader("locomo-plus-unified", "._locomo_plus", "read_locomo_plus_unified")
