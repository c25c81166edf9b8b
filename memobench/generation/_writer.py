"""Streamed writing of LoCoMo-format JSON: one session at a time, atomically renamed."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from .._util.hashing import sha256_file

TAIL_KEYS = ("observation", "session_summary", "event_summary", "qa")


class SampleSource(Protocol):
    """What the writer needs from a conversation; ``tail()`` is called after ``sessions()``."""

    sample_id: str
    speakers: tuple[str, str]

    def sessions(self) -> Iterator[tuple[int, str, list[dict[str, Any]]]]: ...

    def tail(self) -> dict[str, Any]: ...


class StaticSample:
    """A fully built LoCoMo sample dict (LLM mode) adapted to ``SampleSource``."""

    def __init__(self, sample: dict[str, Any]) -> None:
        self._sample = sample
        self.sample_id = sample["sample_id"]
        conv = sample["conversation"]
        self.speakers = (conv["speaker_a"], conv["speaker_b"])

    def sessions(self) -> Iterator[tuple[int, str, list[dict[str, Any]]]]:
        conv = self._sample["conversation"]
        n = 1
        while f"session_{n}" in conv:
            yield n, conv[f"session_{n}_date_time"], conv[f"session_{n}"]
            n += 1

    def tail(self) -> dict[str, Any]:
        return {k: self._sample.get(k, {} if k != "qa" else []) for k in TAIL_KEYS}


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def write_dataset(path: str | Path, samples: Iterable[SampleSource]) -> str:
    """Write ``samples`` as a LoCoMo JSON list and return the file's sha256.

    Memory stays at one session plus one conversation's annotations; the file appears only
    when complete (temp file + rename), so a killed run never leaves a truncated dataset.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("[")
            for i, sample in enumerate(samples):
                fh.write(",\n" if i else "\n")
                a, b = sample.speakers
                fh.write(f'{{"sample_id": {_dumps(sample.sample_id)}, "conversation": ')
                fh.write(f'{{"speaker_a": {_dumps(a)}, "speaker_b": {_dumps(b)}')
                for n, date_time, turns in sample.sessions():
                    fh.write(f', "session_{n}_date_time": {_dumps(date_time)}')
                    fh.write(f', "session_{n}": {_dumps(turns)}')
                fh.write("}")
                tail = sample.tail()
                for key in TAIL_KEYS:
                    fh.write(f', "{key}": {_dumps(tail[key])}')
                fh.write("}")
            fh.write("\n]\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a dataset is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sha256_file(path)
