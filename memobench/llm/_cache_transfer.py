"""Move cache entries between machines: a portable, deterministic gzipped JSON Lines file.

A cache holds what a run paid for. Exported, it lets anyone replay published runs without
running a model (the keys are content hashes, so they carry no machine path), and lets a run
too long for one machine's session continue on another without paying twice. The file is a
header line, then one entry a line sorted by key; gzip's timestamp is zeroed, so the same
entries always give the same bytes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from memobench.errors import DataError

from ._cache import Cache

#: Names the file kind in its header line.
FORMAT = "memobench-cache"
#: Bumped when a line's shape changes; an import refuses a version it does not know.
FORMAT_VERSION = 1

_KEY = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class TransferReport:
    """What an export wrote or an import stored."""

    entries: int
    """Entries in the file."""
    added: int
    """Entries new to the receiving cache (an export: equal to ``entries``)."""
    by_model: dict[str, int]
    """Entries in the file per ``kind:model``."""


def _by_model(rows: list[tuple[str, str, str, bytes]]) -> dict[str, int]:
    counts = Counter(f"{kind}:{model}" for _, kind, model, _ in rows)
    return dict(sorted(counts.items()))


def _line(key: str, kind: str, model: str, value: bytes) -> dict[str, Any]:
    import base64

    record: dict[str, Any] = {"key": key, "kind": kind, "model": model}
    try:
        record["text"] = value.decode("utf-8")
    except UnicodeDecodeError:
        # Embeddings are packed float32: base64 keeps them exact.
        record["b64"] = base64.b64encode(value).decode("ascii")
    return record


def export_cache(
    cache: Cache,
    path: Path | str,
    *,
    models: Iterable[str] = (),
    kinds: Iterable[str] = (),
) -> TransferReport:
    """Write ``cache``'s entries (only these ``models`` / ``kinds`` when given) to ``path``."""
    import gzip

    rows = cache.entries(models=tuple(models), kinds=tuple(kinds))
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with (
        open(tmp, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz,
    ):
        header = {"format": FORMAT, "version": FORMAT_VERSION, "entries": len(rows)}
        gz.write((json.dumps(header, sort_keys=True) + "\n").encode())
        for key, kind, model, value in rows:
            line = json.dumps(_line(key, kind, model, value), sort_keys=True, ensure_ascii=False)
            gz.write((line + "\n").encode())
    tmp.replace(out)
    return TransferReport(entries=len(rows), added=len(rows), by_model=_by_model(rows))


def _bad(path: Path, lineno: int, what: str) -> DataError:
    return DataError(f"{path}: line {lineno}: {what}")


def read_export(path: Path | str) -> Iterator[tuple[str, str, str, bytes]]:
    """``(key, kind, model, value)`` of every entry in an exported file, validated."""
    import gzip

    src = Path(path)
    with gzip.open(src, "rt", encoding="utf-8") as handle:
        try:
            first = handle.readline()
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise DataError(f"{src}: not a gzipped memobench cache export ({exc})") from exc
        try:
            header = json.loads(first)
        except json.JSONDecodeError as exc:
            raise _bad(src, 1, f"header is not JSON ({exc.msg})") from exc
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise _bad(src, 1, f"header does not name the {FORMAT!r} format")
        if header.get("version") != FORMAT_VERSION:
            version = header.get("version")
            raise _bad(src, 1, f"format version {version!r}; this memobench reads {FORMAT_VERSION}")
        expected = header.get("entries")
        seen = 0
        try:
            for lineno, text in enumerate(handle, start=2):
                yield _entry(src, lineno, text)
                seen += 1
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise DataError(f"{src}: truncated after {seen} entries ({exc})") from exc
        if seen != expected:
            raise DataError(f"{src}: header announces {expected!r} entries, the file holds {seen}")


def _entry(src: Path, lineno: int, text: str) -> tuple[str, str, str, bytes]:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(src, lineno, f"not JSON ({exc.msg})") from exc
    if not isinstance(record, dict):
        raise _bad(src, lineno, "not a JSON object")
    key = record.get("key")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise _bad(src, lineno, "field 'key': not a 64-hex-digit sha256")
    for field in ("kind", "model"):
        if not isinstance(record.get(field), str) or not record[field]:
            raise _bad(src, lineno, f"field {field!r}: missing or not a string")
    if isinstance(record.get("text"), str):
        value = record["text"].encode("utf-8")
    elif isinstance(record.get("b64"), str):
        import base64

        try:
            value = base64.b64decode(record["b64"], validate=True)
        except ValueError as exc:
            raise _bad(src, lineno, "field 'b64': not base64") from exc
    else:
        raise _bad(src, lineno, "no 'text' or 'b64' value")
    return key, record["kind"], record["model"], value


def import_cache(cache: Cache, path: Path | str) -> TransferReport:
    """Store every entry of an exported file in ``cache``; entries it already has are kept.

    The whole file is validated before anything is stored, so a damaged file adds nothing.
    """
    rows = list(read_export(path))
    added = cache.add_missing(rows)
    return TransferReport(entries=len(rows), added=added, by_model=_by_model(rows))
