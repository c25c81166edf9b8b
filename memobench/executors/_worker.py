"""The worker's side, the same for every executor: run the runner's own loop on one shard.

Records leave the worker as JSON lines through ``emit`` (a pipe, a Ray stream, a function
call); the worker never writes the answer log, so the coordinator stays its one writer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import queue
from collections.abc import Callable
from typing import Any

from ..llm import Meter, PhaseUsage
from ..rundir import AnswerRecord
from ..runner import Runner
from ._job import Shard, ShardJob
from ._protocol import ExecutorError, Sink

#: ``emit(kind, payload)``: kind ``answer`` (an AnswerRecord line) or ``usage`` (meter rows).
Emit = Callable[[str, Any], None]


def meter_rows(meter: Meter) -> list[dict[str, Any]]:
    return [
        {"phase": p, "model": m, **{k: v for k, v in vars(u).items()}}
        for (p, m), u in sorted(meter.usage.items())
    ]


def meter_from_rows(rows: list[dict[str, Any]]) -> Meter:
    meter = Meter()
    for row in rows:
        fields = {k: v for k, v in row.items() if k not in ("phase", "model")}
        meter.usage[(row["phase"], row["model"])] = PhaseUsage(**fields)
    return meter


def shard_runner(job: ShardJob, shard: Shard, *, workers: int, dataset: Any = None) -> Runner:
    """A runner for one shard: this worker's share of the concurrency, no own error budget
    (the coordinator keeps the run's) and no progress bar (the coordinator shows it)."""
    per_worker = max(1, -(-job.config.concurrency // max(1, workers)))
    config = dataclasses.replace(
        job.config,
        conversations=shard.conversations,
        concurrency=per_worker,
        max_errors=None,
        progress=False,
    )
    runner = Runner(config, dataset=dataset)
    # The shard's conversations are part of the options: the hash of the whole run is the
    # one to match, so derive it from the unsharded config.
    whole = (
        Runner(job.config, dataset=runner.ds)
        if job.config.conversations != config.conversations
        else runner
    )
    if whole.config_hash != job.config_hash:
        raise ExecutorError(
            f"worker {shard.index}: config hash {whole.config_hash}, not the coordinator's "
            f"{job.config_hash} (another memobench version, dataset file or baseline TOML "
            "on this node?)"
        )
    runner.run_dir = whole.run_dir
    return runner


async def run_shard_async(
    job: ShardJob,
    shard: Shard,
    on_answer: Callable[[AnswerRecord], None],
    on_usage: Callable[[Meter], None],
    *,
    workers: int,
    dataset: Any = None,
) -> None:
    """Ask the shard's items; each record to ``on_answer``, the usage to ``on_usage`` at the end."""
    runner = shard_runner(job, shard, workers=workers, dataset=dataset or job.dataset)
    runner.sink = on_answer
    try:
        await runner.ask_conversations(runner.conversations, set(job.done))
    finally:
        on_usage(runner.meter)


def run_shard(job: ShardJob, shard: Shard, emit: Emit, *, workers: int) -> None:
    """A remote worker's body: records and usage leave through ``emit`` as JSON-able data.

    Workers share the LLM cache with each other, so each claims a prompt before paying for it
    (``MEMOBENCH_CACHE_CLAIMS``): two workers never pay twice for one prompt."""
    os.environ.update({**job.env, "MEMOBENCH_CACHE_CLAIMS": "1"})
    asyncio.run(
        run_shard_async(
            job,
            shard,
            lambda record: emit("answer", record.to_line()),
            lambda meter: emit("usage", meter_rows(meter)),
            workers=workers,
        )
    )


def decode(kind: str, payload: Any) -> AnswerRecord | Meter:
    if kind == "answer":
        return AnswerRecord.model_validate_json(payload)
    if kind == "usage":
        return meter_from_rows(payload)
    raise ExecutorError(f"unknown worker message kind {kind!r}")


def drain(inbox: queue.Queue[tuple[int, Any]], shards: int, sink: Sink, *, end: object) -> None:
    """Hand the workers' messages in ``inbox`` to ``sink`` until each of ``shards`` sent ``end``."""
    while shards:
        _index, msg = inbox.get()
        if msg is end:
            shards -= 1
            continue
        record = decode(*msg)
        if isinstance(record, AnswerRecord):
            sink.answer(record)
        else:
            sink.usage(record)


def main() -> None:
    """``python -m memobench.executors._worker FD``: job and shard on stdin, messages on FD."""
    import sys

    fd = int(sys.argv[1])
    raw = json.loads(sys.stdin.read())
    job = ShardJob.from_json(json.dumps(raw["job"]))
    shard = Shard(**{**raw["shard"], "conversations": tuple(raw["shard"]["conversations"])})
    with os.fdopen(fd, "w", encoding="utf-8", buffering=1 << 16) as out:

        def emit(kind: str, payload: Any) -> None:
            out.write(json.dumps([kind, payload]) + "\n")
            out.flush()

        try:
            run_shard(job, shard, emit, workers=int(raw["workers"]))
        except Exception as exc:  # reported by the coordinator, which names the worker
            emit("error", f"{type(exc).__name__}: {exc}")
            raise SystemExit(1) from None
        out.write(json.dumps(["end", None]) + "\n")


if __name__ == "__main__":
    main()
