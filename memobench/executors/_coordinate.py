"""The coordinator: one run directory, one lock, one answer-log writer, any executor.

It holds ``run.lock``, writes the header, reads what is done, splits the conversations with
work left into shards (one configuration × one conversation is the unit), hands them to the
executor and appends every streamed record itself, so resume, lock and ``samples.jsonl`` are
exactly those of a local run. Scoring happens here, once, over the whole answer log.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any

from ..llm import Meter
from ..progress import make_reporter
from ..results import RunResults
from ..rundir import AnswerRecord, RunLock, score_run_dir
from ..runner import RunConfig, Runner
from ._job import ShardJob, balance, forwarded_env
from ._protocol import Executor

log = logging.getLogger("memobench.executors")


class _RunSink:
    """Appends each record to the answer log; progress and the ``--max-errors`` budget."""

    def __init__(self, runner: Runner, progress: Any) -> None:
        self.runner = runner
        self.progress = progress
        self.meter = Meter()

    def answer(self, record: AnswerRecord) -> None:
        self.runner.run_dir.append_answer(record)
        self.progress.advance("answer", error=record.error is not None)
        if record.error is not None:
            log.warning(
                "%s %s errored: %s: %s",
                record.task,
                record.item_id,
                record.error.type,
                record.error.message,
            )
            self.runner.errors.add()  # raises past the budget: the executor stops its workers

    def usage(self, meter: Meter) -> None:
        self.meter.merge(meter)


def run_config(
    config: RunConfig, executor: Executor, *, runner: Runner | None = None
) -> RunResults:
    """Run ``config`` to completion on ``executor`` (resuming what its directory holds)."""
    runner = runner or Runner(config)
    started = time.perf_counter()
    with RunLock(runner.run_dir.path, wait=config.wait):
        runner.prepare_dir()
        done = set(runner.run_dir.done())
        pending = runner.pending(done)
        total = runner.count_items(runner.conversations)
        runner.errors.total = total
        job = ShardJob(
            config=dataclasses.replace(config, out=runner.run_dir.path),
            config_hash=runner.config_hash,
            done=frozenset(done),
            env=forwarded_env(),
            dataset=runner.ds,
        )
        progress = make_reporter(config.progress)
        progress.start("answer", total, done=total - sum(pending.values()))
        sink = _RunSink(runner, progress)
        try:
            if pending:
                shards = balance(pending, executor.workers)
                log.info("%s: %d shard(s) of %s", executor.name, len(shards), list(pending))
                executor.execute(job, shards, sink)
        finally:
            runner.run_dir.close()
            runner.run_dir.append_usage(sink.meter)
            progress.close()
    return score_run_dir(
        runner.run_dir.path, ds=runner.ds, wall_time_s=time.perf_counter() - started
    )
