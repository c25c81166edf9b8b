"""One writer per run directory: an advisory lock that dies with its holder.

``fcntl.flock`` is released by the kernel when the holding process exits, however it exits
(SIGKILL included), so a lock left by a killed run is simply free again: the holder's pid,
host and start time written into the file are only there to tell a second process who holds
it. Readers (``score``, ``leaderboard build``) never take it: writers only append whole lines
and replace files atomically.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from ..errors import RunDirError

LOCK_NAME = "run.lock"


class RunDirLocked(RunDirError):
    """Another live process is writing this run directory."""


class RunDirLock:
    """Hold ``<run dir>/run.lock`` for the lifetime of a run."""

    def __init__(self, run_dir: Path) -> None:
        self.path = Path(run_dir) / LOCK_NAME
        self._fh: IO[str] | None = None

    def holder(self) -> dict[str, object]:
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8") or "{}"))
        except (OSError, ValueError):
            return {}

    def _try(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        fh.write(json.dumps(info) + "\n")
        fh.flush()
        self._fh = fh
        return True

    def acquire(self, *, wait: bool = False, poll_s: float = 0.5) -> None:
        """Take the lock, or raise :class:`RunDirLocked` naming the holder (``wait``: block)."""
        while not self._try():
            if not wait:
                h = self.holder()
                raise RunDirLocked(
                    f"{self.path.parent} is in use by pid {h.get('pid', '?')} on "
                    f"{h.get('host', '?')} since {h.get('since', '?')}; wait for it to finish, "
                    "pass --wait to queue behind it, or choose another --out"
                )
            time.sleep(poll_s)

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None

    def __enter__(self) -> RunDirLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
