"""``ray``: one Ray task per shard on a Ray cluster (a local one unless ``--ray-address``).

Each task is a streaming generator: it runs the shard on a thread and yields its messages in
small batches as they finish, so the coordinator appends them at once and a task that dies
loses only its in-flight items. The coordinator (the driver) stays the one writer of the run
directory; workers need the dataset file, the endpoints and (for zero repeated calls across
nodes) the LLM cache reachable from their node.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from ._job import Shard, ShardJob
from ._protocol import ExecutorError, Sink
from ._worker import drain, run_shard

#: Object store of a local cluster: the smallest Ray accepts (messages are tiny).
OBJECT_STORE_BYTES = 80 * 1024 * 1024


def _shard_stream(job_json: str, shard: dict[str, Any], workers: int) -> Iterator[list[Any]]:
    """The Ray task's body: [kind, payload] messages, batched, ``end`` or ``error`` last."""
    job = ShardJob.from_json(job_json)
    if job.env.get("_cwd") and os.path.isdir(job.env["_cwd"]):
        os.chdir(job.env["_cwd"])
    inbox: queue.Queue[list[Any] | None] = queue.Queue()

    def body() -> None:
        try:
            run_shard(
                job,
                Shard(**{**shard, "conversations": tuple(shard["conversations"])}),
                lambda kind, payload: inbox.put([kind, payload]),
                workers=workers,
            )
            inbox.put(["end", None])
        except Exception as exc:  # named by the coordinator
            inbox.put(["error", f"{type(exc).__name__}: {exc}"])
        finally:
            inbox.put(None)

    threading.Thread(target=body, daemon=True).start()
    yield [["pid", os.getpid()]]
    while True:
        first = inbox.get()
        batch = [first]
        try:
            while first is not None and len(batch) < 512:
                nxt = inbox.get(timeout=0.02)
                batch.append(nxt)
                if nxt is None:
                    break
        except queue.Empty:
            pass
        last = batch[-1] is None
        msgs = [m for m in batch if m is not None]
        if msgs:
            yield msgs
        if last:
            return


#: Attempts at starting a local cluster: Ray waits a fixed 30 s for its raylet, which an
#: overloaded host can exceed (seen at load average 30 on 2 cores).
START_ATTEMPTS = 3


def start_local_ray(num_cpus: int) -> None:
    """Start a small local Ray cluster in this process: ``num_cpus`` CPUs, no dashboard, the
    smallest object store, no log forwarding; retried when Ray's start-up wait runs out."""
    import ray

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            ray.init(
                num_cpus=num_cpus,
                include_dashboard=False,
                object_store_memory=OBJECT_STORE_BYTES,
                log_to_driver=False,
            )
            return
        except Exception as exc:
            ray.shutdown()  # stop what the failed start left running
            if attempt == START_ATTEMPTS or "timed out during startup" not in str(exc):
                raise ExecutorError(f"could not start a local Ray cluster: {exc}") from exc


class RayExecutor:
    """``--executor ray [--ray-address ADDR] --workers N``."""

    name = "ray"

    def __init__(
        self, workers: int | None = None, *, ray_address: str | None = None, **_: object
    ) -> None:
        try:
            import ray
        except ImportError as exc:
            raise ExecutorError("--executor ray needs Ray: pip install 'memobench[ray]'") from exc
        self.ray = ray
        self.address = ray_address
        self.workers = max(1, workers or len(os.sched_getaffinity(0)))
        self.pids: dict[int, int] = {}
        """Worker pid per shard index, as the tasks report it (tests kill one)."""
        self._started = False

    def _connect(self) -> None:
        ray = self.ray
        if ray.is_initialized():
            return
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        if self.address:
            ray.init(address=self.address, log_to_driver=False)
        else:  # a small local cluster: a CPU per worker, no dashboard, a small object store
            start_local_ray(self.workers)
        self._started = True

    def shutdown(self) -> None:
        """Stop the local cluster this executor started (a joined one is left running)."""
        if self._started:
            self.ray.shutdown()
            self._started = False

    def execute(self, job: ShardJob, shards: Sequence[Shard], sink: Sink) -> None:
        ray = self.ray
        self._connect()
        task = ray.remote(num_cpus=1, max_retries=0)(_shard_stream)
        env = {**job.env, "_cwd": os.getcwd()}
        job_json = ShardJob(job.config, job.config_hash, job.done, env).to_json()
        gens = [
            task.remote(
                job_json,
                {"index": s.index, "conversations": list(s.conversations), "items": s.items},
                len(shards),
            )
            for s in shards
        ]
        inbox: queue.Queue[tuple[int, Any]] = queue.Queue()
        ended: dict[int, str] = {}
        failures: dict[int, str] = {}

        def read(index: int, gen: Any) -> None:
            try:
                for ref in gen:
                    for kind, payload in ray.get(ref):
                        if kind == "end":
                            ended[index] = "end"
                        elif kind == "error":
                            failures[index] = str(payload)
                        elif kind == "pid":
                            self.pids[index] = int(payload)
                        else:
                            inbox.put((index, (kind, payload)))
            except Exception as exc:  # the task or its worker died
                failures.setdefault(index, f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
            finally:
                inbox.put((index, None))

        threads = [
            threading.Thread(target=read, args=(s.index, g), daemon=True)
            for s, g in zip(shards, gens, strict=True)
        ]
        for t in threads:
            t.start()
        finished = False
        try:
            drain(inbox, len(shards), sink, end=None)
            finished = True
        finally:
            if not finished:
                for g in gens:
                    with contextlib.suppress(Exception):  # already ended
                        ray.cancel(g, force=True)
            for t in threads:
                t.join(timeout=10)
        if failures:
            raise ExecutorError(
                "; ".join(
                    f"ray worker {i} ({', '.join(shards[i].conversations)}): {m}"
                    for i, m in sorted(failures.items())
                )
                + ": its streamed answers are kept; rerun the same command to ask the rest"
            )
        missing = [s.index for s in shards if s.index not in ended]
        if missing:
            raise ExecutorError(f"ray worker(s) {missing} ended without finishing their shard")
