"""The run-directory lock between real processes: refuse, wait, take over a stale lock."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from memobench.errors import RunDirError
from memobench.rundir import RunLock

HOLD = """
import sys, time
from memobench.rundir import RunLock
with RunLock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(tmp_path: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_second_process_refuses_with_holder(tmp_path: Path) -> None:
    proc = _holder(tmp_path, 30)
    try:
        with pytest.raises(RunDirError) as exc:
            RunLock(tmp_path).acquire()
        msg = str(exc.value)
        assert f"pid {proc.pid} on {socket.gethostname()} since 20" in msg and "--wait" in msg
    finally:
        proc.kill()
        proc.wait()


def test_wait_gets_the_lock_when_the_holder_ends(tmp_path: Path) -> None:
    proc = _holder(tmp_path, 1.0)
    started = time.monotonic()
    with RunLock(tmp_path, wait=True) as lock:
        waited = time.monotonic() - started
        assert json.loads(lock.path.read_text())["pid"] == os.getpid()
    proc.wait()
    assert waited > 0.3  # it really waited for the other process
    assert not (tmp_path / "run.lock").exists()


def test_stale_lock_of_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    proc = _holder(tmp_path, 30)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    lock_file = tmp_path / "run.lock"
    assert json.loads(lock_file.read_text())["pid"] == proc.pid  # left behind
    with RunLock(tmp_path):
        assert json.loads(lock_file.read_text())["pid"] == os.getpid()


def test_two_threads_taking_over_one_stale_lock_one_wins(tmp_path: Path) -> None:
    proc = _holder(tmp_path, 30)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    held: list[int] = []
    barrier = threading.Barrier(2)

    def take() -> None:
        lock = RunLock(tmp_path)
        barrier.wait()
        try:
            lock.acquire()
        except RunDirError:
            return
        held.append(1)

    threads = [threading.Thread(target=take) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Same pid in both threads, so the winner's lock looks live to the loser: exactly one.
    assert held == [1]
