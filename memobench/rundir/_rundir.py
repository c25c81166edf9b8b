"""How the files of a run directory are read and written (append-only, crash-safe).

Answers are appended one line at a time and flushed, so a crash or Ctrl-C loses nothing
finished and a rerun asks only what is missing. A torn last line (a crash mid-write, a full
disk) is terminated before anything is appended after it; malformed lines are reported with
file and line, skipped, and their item is asked again.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .._util.files import atomic_write_text
from ..errors import RunDirError
from ..llm import Meter, PhaseUsage
from . import _names
from ._records import AnswerRecord, RunHeader

log = logging.getLogger("memobench.rundir")


@dataclass(frozen=True)
class AnswerLog:
    """``answers.jsonl`` as read: the latest record per (task, item_id), split by outcome."""

    answered: dict[tuple[str, str], AnswerRecord] = field(default_factory=dict)
    """Items with an answer (a later success replaces an earlier error)."""
    errored: dict[tuple[str, str], AnswerRecord] = field(default_factory=dict)
    """Items whose latest record is an error: scored 0, asked again by a rerun."""
    problems: tuple[str, ...] = ()
    """``file:line: what is wrong`` for every line that was skipped."""


def read_answer_log(path: Path) -> AnswerLog:
    answered: dict[tuple[str, str], AnswerRecord] = {}
    errored: dict[tuple[str, str], AnswerRecord] = {}
    problems: list[str] = []
    if not path.is_file():
        return AnswerLog()
    with open(path, encoding="utf-8", errors="replace") as fh:
        lines = fh.read().split("\n")
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rec = AnswerRecord.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            what = "not JSON" if isinstance(exc, json.JSONDecodeError) else "not an answer record"
            if no == len(lines):
                what = "torn last line (" + what + ")"
            problems.append(f"{path}:{no}: {what}; skipped, its item is asked again")
            continue
        key = (rec.task, rec.item_id)
        if rec.error is None:
            answered[key] = rec
            errored.pop(key, None)
        elif key not in answered:
            errored[key] = rec
    return AnswerLog(answered, errored, tuple(problems))


class RunDir:
    """One run directory; every file name comes from :mod:`memobench.rundir._names`."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._fh: Any = None

    header = property(lambda self: self.path / _names.HEADER)
    answers = property(lambda self: self.path / _names.ANSWERS)
    usage = property(lambda self: self.path / _names.USAGE)
    samples = property(lambda self: self.path / _names.SAMPLES)
    results = property(lambda self: self.path / _names.RESULTS)
    lock_file = property(lambda self: self.path / _names.LOCK)

    def read_header(self) -> RunHeader | None:
        if not self.header.is_file():
            return None
        try:
            return RunHeader.model_validate_json(self.header.read_text(encoding="utf-8"))
        except ValidationError as exc:
            raise RunDirError(
                f"{self.header}: not a run header ({exc.errors()[0]['msg']})"
            ) from None

    def header_identity(self) -> tuple[str | None, str | None] | None:
        """(run_id, config_hash) read loosely, so even a damaged header can refuse a rerun."""
        if not self.header.is_file():
            return None
        try:
            raw = json.loads(self.header.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            return (None, None)
        if not isinstance(raw, dict):
            return (None, None)
        return (raw.get("run_id"), raw.get("config_hash"))

    def require_header(self) -> RunHeader:
        header = self.read_header()
        if header is None:
            raise RunDirError(f"{self.path} is not a run directory (no {_names.HEADER})")
        return header

    def write_header(self, header: RunHeader | dict[str, Any]) -> None:
        if not isinstance(header, RunHeader):
            header = RunHeader.model_validate(header)
        text = json.dumps(header.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"
        atomic_write_text(self.header, text)

    def answer_log(self) -> AnswerLog:
        log_ = read_answer_log(self.answers)
        for problem in log_.problems:
            log.warning("%s", problem)
        return log_

    def done(self) -> dict[tuple[str, str], AnswerRecord]:
        """Answered items keyed by (task, item_id); errored and malformed ones are not done."""
        return self.answer_log().answered

    def append_answer(self, record: AnswerRecord) -> None:
        line = record.to_line()
        with self._lock:
            if self._fh is None:
                self.path.mkdir(parents=True, exist_ok=True)
                _terminate_torn_line(self.answers)
                self._fh = open(self.answers, "a", encoding="utf-8")  # noqa: SIM115
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
        self.path.mkdir(parents=True, exist_ok=True)
        _terminate_torn_line(self.usage)
        with open(self.usage, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"rows": rows}, sort_keys=True) + "\n")

    def total_meter(self) -> Meter:
        meter = Meter()
        if self.usage.is_file():
            for rec in _usage_lines(self.usage):
                part = Meter()
                for row in rec["rows"]:
                    fields = {k: v for k, v in row.items() if k not in ("phase", "model")}
                    part.usage[(row["phase"], row["model"])] = PhaseUsage(**fields)
                meter.merge(part)
        return meter


def _terminate_torn_line(path: Path) -> None:
    """End a torn last line with a newline so the next record starts on its own line."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    with open(path, "rb+") as fh:
        fh.seek(-1, 2)
        if fh.read(1) != b"\n":
            fh.write(b"\n")
            log.warning("%s: torn last line terminated before appending", path)


def _usage_lines(path: Path) -> list[dict[str, Any]]:
    """Usage records; a torn or malformed line (a crash mid-write) is reported and skipped."""
    out = []
    for no, line in enumerate(path.read_text(encoding="utf-8", errors="replace").split("\n"), 1):
        if line.strip():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                log.warning("%s:%d: not JSON; usage line skipped", path, no)
                continue
            if isinstance(rec, dict) and isinstance(rec.get("rows"), list):
                out.append(rec)
    return out
