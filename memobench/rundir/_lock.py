"""One writer per run directory: an exclusive lock file holding pid, host and start time.

A second ``memobench run`` on the same directory refuses (or waits with ``--wait``). A lock
left by a process that died on this host is stale and is taken over. Readers never take it:
every file they read is either append-only with whole lines or replaced atomically.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import RunDirError
from . import _names


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (FileNotFoundError, json.JSONDecodeError, TypeError, ValueError):
        return None


class RunLock:
    """``with RunLock(run_dir_path, wait=False):`` holds ``run.lock`` for the block."""

    def __init__(self, directory: Path | str, *, wait: bool = False, poll_s: float = 0.2) -> None:
        self.path = Path(directory) / _names.LOCK
        self.wait = wait
        self.poll_s = poll_s
        self._held = False

    def holder(self) -> dict[str, Any] | None:
        """The lock's content, or None when unlocked (or the file is half-written)."""
        return _read(self.path)

    def _try_take(self) -> bool:
        body = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(body))
        return True

    def _stale(self, holder: dict[str, Any] | None) -> bool:
        if holder is None:
            # Unreadable: a writer between create and write, or a crash right there. Only
            # call it stale once it has stayed unreadable for a while.
            try:
                return time.time() - self.path.stat().st_mtime > 5.0
            except FileNotFoundError:
                return False
        same_host = holder.get("host") == socket.gethostname()
        return same_host and not _pid_alive(int(holder.get("pid", -1)))

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while not self._try_take():
            holder = self.holder()
            if self._stale(holder):
                # Rename first: of two processes taking over the same stale lock, only one
                # wins the rename, so only one removes it.
                grave = self.path.with_name(f"{self.path.name}.stale.{os.getpid()}")
                try:
                    os.rename(self.path, grave)
                except FileNotFoundError:
                    continue
                taken = _read(grave)
                if taken is not None and taken != holder:  # a live lock, taken meanwhile
                    with contextlib.suppress(FileExistsError):
                        os.link(grave, self.path)  # put it back (never over a newer one)
                os.unlink(grave)
                continue
            if not self.wait:
                h = holder or {}
                raise RunDirError(
                    f"{self.path.parent} is in use by pid {h.get('pid', '?')} on "
                    f"{h.get('host', '?')} since {h.get('since', '?')}; "
                    "wait for it (--wait) or choose another --out"
                )
            time.sleep(self.poll_s)
        self._held = True

    def release(self) -> None:
        if self._held:
            holder = self.holder()
            if holder is not None and holder.get("pid") == os.getpid():
                self.path.unlink(missing_ok=True)
            self._held = False

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
