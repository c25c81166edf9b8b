"""The files of a run directory and how they are written (append-only, crash-safe).

- ``header.json``: spec, config hash and provenance, written before any model call;
- ``answers.jsonl``: one line per answered item, flushed as it is written, so a crash or
  Ctrl-C loses nothing finished and a rerun skips what is there;
- ``usage.jsonl``: raw model usage, one line per process that worked on the run;
- ``samples.jsonl`` and ``results.json``: scores, rewritten from the above by scoring.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

from .._util.files import atomic_write_text, read_jsonl
from ..llm import Meter, PhaseUsage

log = logging.getLogger("memobench.run")


def read_answer_lines(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Every well-formed answer record in file order, and one message per damaged line.

    A damaged line (torn by a crash, not JSON, not an object with ``task`` and ``item_id``) is
    reported with file and line number and skipped, so its item is simply asked again.
    """
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, start=1):
            text = line.strip()
            if not text:
                continue
            try:
                rec = json.loads(text)
            except json.JSONDecodeError as exc:
                torn = "" if line.endswith("\n") else " (torn last line)"
                problems.append(f"{path}: line {n}: not JSON{torn}: {exc.msg}; item asked again")
                continue
            if not isinstance(rec, dict) or not isinstance(rec.get("task"), str):
                problems.append(f"{path}: line {n}: not an answer record (no 'task'); skipped")
                continue
            if not isinstance(rec.get("item_id"), str):
                problems.append(f"{path}: line {n}: not an answer record (no 'item_id'); skipped")
                continue
            records.append(rec)
    return records, problems


def _ends_torn(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        if fh.tell() == 0:
            return False
        fh.seek(-1, 2)
        return fh.read(1) != b"\n"


class RunDir:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._fh: Any = None

    header = property(lambda self: self.path / "header.json")
    answers = property(lambda self: self.path / "answers.jsonl")
    usage = property(lambda self: self.path / "usage.jsonl")
    samples = property(lambda self: self.path / "samples.jsonl")
    results = property(lambda self: self.path / "results.json")

    def read_header(self) -> dict[str, Any] | None:
        if not self.header.is_file():
            return None
        return json.loads(self.header.read_text(encoding="utf-8"))

    def write_header(self, header: dict[str, Any]) -> None:
        atomic_write_text(self.header, json.dumps(header, indent=2, sort_keys=True) + "\n")

    def latest(self, *, warn: bool = True) -> dict[tuple[str, str], dict[str, Any]]:
        """The last record of every item, answered or errored; damaged lines are skipped."""
        if not self.answers.is_file():
            return {}
        records, problems = read_answer_lines(self.answers)
        if warn:
            for problem in problems:
                log.warning("%s", problem)
        return {(r["task"], r["item_id"]): r for r in records}

    def done(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Answered items keyed by (task, item_id). Errored items are not done: a rerun asks
        them again, and a later answer supersedes the error record."""
        return {k: r for k, r in self.latest().items() if r.get("error") is None}

    def errors(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Items whose last record is an error."""
        return {k: r for k, r in self.latest(warn=False).items() if r.get("error") is not None}

    def append_answer(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        with self._lock:
            if self._fh is None:
                self.path.mkdir(parents=True, exist_ok=True)
                self._fh = open(self.answers, "a", encoding="utf-8")  # noqa: SIM115
                if _ends_torn(self.answers):
                    # A crash mid-write left a line without its newline: end it first, so the
                    # next record starts on a line of its own (the fragment is then skipped).
                    self._fh.write("\n")
            # flush (not fsync) per line: survives a crash or Ctrl-C of this process without
            # stalling the event loop on disk syncs.
            self._fh.write(line)
            self._fh.flush()

    def close(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None

    def append_usage(self, meter: Meter) -> None:
        rows = [
            {"phase": p, "model": m, **{k: v for k, v in vars(u).items()}}
            for (p, m), u in sorted(meter.usage.items())
        ]
        if not rows:
            return
        with open(self.usage, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"rows": rows}, sort_keys=True) + "\n")

    def total_meter(self) -> Meter:
        meter = Meter()
        if self.usage.is_file():
            for rec in read_jsonl(self.usage):
                part = Meter()
                for row in rec["rows"]:
                    fields = {k: v for k, v in row.items() if k not in ("phase", "model")}
                    part.usage[(row["phase"], row["model"])] = PhaseUsage(**fields)
                meter.merge(part)
        return meter
