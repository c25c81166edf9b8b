"""``local``: every shard in this process, on one event loop (what ``Runner.run`` does)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from ._job import Shard, ShardJob
from ._protocol import Sink
from ._worker import run_shard_async


class LocalExecutor:
    """In-process: one shard on this process's event loop; records go straight to the sink."""

    name = "local"

    def __init__(self, workers: int = 1, **_: object) -> None:
        self.workers = 1  # one process: more shards would only split the same loop

    def execute(self, job: ShardJob, shards: Sequence[Shard], sink: Sink) -> None:
        async def all_shards() -> None:
            await asyncio.gather(
                *(run_shard_async(job, s, sink.answer, sink.usage, workers=1) for s in shards)
            )

        asyncio.run(all_shards())
