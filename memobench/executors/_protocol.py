"""The executor contract: run the shards of one job and hand every record to a sink."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from ..errors import MemobenchError
from ..llm import Meter
from ..rundir import AnswerRecord
from ._job import Shard, ShardJob


class ExecutorError(MemobenchError, RuntimeError):
    """A worker died or could not start; what it streamed is kept (rerun to resume)."""


class Sink(Protocol):
    """The coordinator's side: called on the coordinator's thread, one record at a time."""

    def answer(self, record: AnswerRecord) -> None:
        """A finished item (answer or error record); appended to the run's answer log."""

    def usage(self, meter: Meter) -> None:
        """A worker's model usage, once, when its shard ends (or as far as it got)."""


@runtime_checkable
class Executor(Protocol):
    """Runs shards somewhere (this process, worker processes, a Ray cluster).

    ``execute`` returns when every shard has ended. A shard whose worker died raises
    :class:`ExecutorError` after the other shards have ended: its
    streamed records are already in the sink, only its in-flight items are lost.
    An exception raised by the sink stops every worker and propagates.
    """

    name: str
    """Registry name (``local``, ``processes``, ``ray``)."""
    workers: int
    """How many shards it runs at once."""

    def execute(self, job: ShardJob, shards: Sequence[Shard], sink: Sink) -> None: ...
