"""``processes``: N worker processes on this machine (``python -m memobench.executors._worker``).

Each worker gets its job on stdin and streams JSON messages on a pipe of its own (not its
stdout, which libraries may print to). A reader thread per worker feeds one queue that the
coordinator drains on its own thread. A worker that dies (killed, crashed) ends its stream
without an ``end`` message: the other shards run to completion, then ``ExecutorError``.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import Any

from ._job import Shard, ShardJob
from ._protocol import ExecutorError, Sink
from ._worker import drain

_END = object()


class ProcessExecutor:
    """``--executor processes --workers N`` (default: the CPUs this process may use)."""

    name = "processes"

    def __init__(self, workers: int | None = None, **_: object) -> None:
        self.workers = max(1, workers or len(os.sched_getaffinity(0)))
        self.procs: list[subprocess.Popen[bytes]] = []
        """The live worker processes (tests kill one to check resume)."""

    def _start(self, job: ShardJob, shard: Shard, workers: int) -> tuple[Any, int]:
        read_fd, write_fd = os.pipe()
        proc = subprocess.Popen(
            [sys.executable, "-m", "memobench.executors._worker", str(write_fd)],
            stdin=subprocess.PIPE,
            pass_fds=(write_fd,),
            env={**os.environ, **job.env},
        )
        os.close(write_fd)
        self.procs.append(proc)
        body = {
            "job": json.loads(job.to_json()),
            "shard": {
                "index": shard.index,
                "conversations": list(shard.conversations),
                "items": shard.items,
            },
            "workers": workers,
        }
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(body).encode())
        proc.stdin.close()
        return os.fdopen(read_fd, "r", encoding="utf-8"), proc.pid

    def execute(self, job: ShardJob, shards: Sequence[Shard], sink: Sink) -> None:
        inbox: queue.Queue[tuple[int, Any]] = queue.Queue()
        ended: dict[int, bool] = {}
        failures: dict[int, str] = {}
        self.procs = []

        def read(index: int, stream: Any) -> None:
            with stream:
                for line in stream:
                    kind, payload = json.loads(line)
                    if kind == "end":
                        ended[index] = True
                    elif kind == "error":
                        failures[index] = str(payload)
                    else:
                        inbox.put((index, (kind, payload)))
            inbox.put((index, _END))

        threads = []
        finished = False
        try:
            for shard in shards:
                stream, _pid = self._start(job, shard, len(shards))
                t = threading.Thread(target=read, args=(shard.index, stream), daemon=True)
                t.start()
                threads.append(t)
            drain(inbox, len(shards), sink, end=_END)
            finished = True
        finally:
            for proc in self.procs:
                if finished:
                    try:
                        proc.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                elif proc.poll() is None:
                    proc.kill()
            for proc in self.procs:
                proc.wait()
            for t in threads:
                t.join(timeout=5)
        if failures:
            raise ExecutorError("; ".join(f"worker {i}: {m}" for i, m in sorted(failures.items())))
        dead = [
            (s, p.returncode)
            for s, p in zip(shards, self.procs, strict=True)
            if not ended.get(s.index)
        ]
        if dead:
            raise ExecutorError(
                "; ".join(
                    f"worker {s.index} ({', '.join(s.conversations)}) exited with {rc} before "
                    "finishing its shard"
                    for s, rc in dead
                )
                + ": its streamed answers are kept; rerun the same command to ask the rest"
            )
