"""The run loop: ingest every session, ask every item, stream answers, then score.

Resumable by construction: answers are appended as they arrive; a rerun with the same
config finds them in ``answers.jsonl`` and asks only what is missing (and the LLM cache
makes any repeated ingestion call free).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .._util.gcpause import frozen_heap, paused_gc
from .._util.provenance import collect_provenance
from .._util.warm import warm_in_background
from ..agents import AgentContext, resolve_agent
from ..data import Conversation
from ..datasets import LoadedDataset, load_dataset
from ..errors import RunDirError
from ..llm import Meter, check_local_model, phase, use_meter
from ..progress import make_reporter
from ..registry import tasks as task_registry
from ..results import RunResults
from ..rundir import AnswerRecord, RunDir, RunHeader, RunLock, item_id_of, score_run_dir
from ..tasks import call
from ._config import RunConfig
from ._isolate import ErrorBudget, describe, error_record, retry_ingest, with_timeout
from ._spec import _slug, baseline_config, build_spec, dry_run_embedder

log = logging.getLogger("memobench.run")

#: What scoring and the result tables import, loaded while the first requests are in flight.
SCORING_MODULES = (
    "memobench.scoring.text",
    "memobench.stats",
    "numpy.random",
    "numpy.ma",
    "rich.console",
    "rich.table",
)


def prefetched(concurrency: int) -> int:
    """Items in progress beyond ``concurrency`` model calls in flight. Each has its request
    built and its cache missed and waits on the endpoint's limit, so a call that returns hands
    its slot straight to a ready request instead of to the finished item's bookkeeping and
    the next item's set-up (~3 ms a call at concurrency 32: 5 % of the slots idle). None below
    4: a run asked one item at a time stays one item at a time (``--max-errors`` stops it
    right after the item that exhausts the budget)."""
    return max(0, concurrency) // 4


class RunConflictError(RunDirError):
    """The run directory holds a run with a different configuration."""


class Runner:
    """Runs one configuration end to end."""

    def __init__(self, config: RunConfig, *, dataset: LoadedDataset | None = None) -> None:
        """``dataset``: the loaded dataset, when the caller has it already (a worker's shard)."""
        self.config = config
        check_local_model(config.model)  # a missing local model stops the run before it starts
        self.factory = resolve_agent(config.agent)
        self.agent_config = {**baseline_config(config.agent), **config.agent_config}
        self.tasks = [task_registry.get(name)() for name in config.tasks]
        if dataset is None:
            with paused_gc():  # thousands of long-lived models: nothing for a collection to find
                dataset = load_dataset(
                    config.dataset, data_path=config.data_path, dedupe=config.dedupe
                )
        self.ds = dataset
        convs = self.ds.conversations
        if config.conversations:
            wanted = set(config.conversations)
            unknown = wanted - {c.sample_id for c in convs}
            if unknown:
                raise ValueError(f"unknown conversation id(s): {', '.join(sorted(unknown))}")
            convs = tuple(c for c in convs if c.sample_id in wanted)
        if config.max_conversations is not None:
            if config.max_conversations < 1:
                raise ValueError("max_conversations must be at least 1")
            convs = convs[: config.max_conversations]
            config = dataclasses.replace(
                config, conversations=tuple(c.sample_id for c in convs), max_conversations=None
            )
            self.config = config
        self.conversations: tuple[Conversation, ...] = convs
        self.spec = build_spec(
            config, self.ds, config.agent, self.factory.version, self.agent_config, self.tasks
        )
        self.config_hash = self.spec.config_hash()
        out = config.out or Path("results/runs") / (
            f"{_slug(self.ds.name)}__{_slug(config.agent)}__{_slug(config.model)}__{self.config_hash}"
        )
        self.run_dir = RunDir(Path(out))
        # The hash leaves the dataset's path out, so it can name the directory the path is
        # then recorded relative to.
        where = self.spec.dataset.model_copy(update={"path": self.ds.location(self.run_dir.path)})
        self.spec = self.spec.model_copy(update={"dataset": where})
        self.sink: Callable[[AnswerRecord], None] | None = None
        """Where each finished record goes instead of ``run_dir``'s answer log (an executor's
        worker streams it to the coordinator)."""
        self._warm: threading.Thread | None = None
        self.meter = Meter()
        self._done = 0
        self._total = 0
        self.errors = ErrorBudget(ErrorBudget.parse(config.max_errors))

    @property
    def items_total(self) -> int:
        """Items this configuration asks (known once ``ask_all`` has started)."""
        return self._total

    def task_options(self, task: Any) -> dict[str, Any]:
        return {
            "protocol": self.config.protocol,
            "seed": self.config.seed,
            "limit": self.config.limit,
            **self.config.task_options.get(task.name, {}),
        }

    def prepare_dir(self) -> None:
        """Refuse a directory holding another config; write the header of a new run."""
        identity = self.run_dir.header_identity()
        if (
            identity is not None
            and identity[1] != self.config_hash
            and not self._same_config_under_legacy_hash(identity[1])
        ):
            raise RunConflictError(
                f"{self.run_dir.path} holds run {identity[0]} with config hash "
                f"{identity[1]}, not {self.config_hash}; choose another --out"
            )
        header = self.run_dir.read_header()
        if header is None:
            self.run_dir.write_header(
                RunHeader(
                    run_id=self.config_hash,
                    config_hash=self.config_hash,
                    spec=self.spec,
                    provenance=collect_provenance(),
                    smoke_test=self.config.model.startswith("local:"),
                )
            )

    def _same_config_under_legacy_hash(self, recorded: str | None) -> bool:
        """A run directory made before the config hash left the dataset path out: this
        configuration when its spec hashes like ours now and like its header the old way."""
        try:
            header = self.run_dir.read_header()
        except (RunDirError, ValueError):
            return False
        return (
            header is not None
            and header.spec.config_hash() == self.config_hash
            and header.spec.legacy_config_hash() == recorded
        )

    def _context(self, conv: Conversation) -> AgentContext:
        work = self.run_dir.path / "agent_state" / conv.sample_id
        # The endpoint limit must not be tighter than the run's own concurrency (it defaults to
        # 16 per endpoint, which would silently halve a --concurrency 32 run).
        llm_options: dict[str, Any] = {}
        if not self.config.model.startswith("local:"):  # one llama.cpp slot: keep its own limit
            llm_options["max_concurrency"] = self.config.concurrency
        if self.config.base_url:
            llm_options["base_url"] = self.config.base_url
        if self.config.dry_run:
            llm_options["dry_run"] = True
        annotations = conv.model_copy(update={"qa": ()})
        return AgentContext(
            conversation_id=conv.sample_id,
            speakers=conv.speakers,
            reader_spec=self.config.model,
            embedder_spec=dry_run_embedder(self.config.embedder)
            if self.config.dry_run
            else self.config.embedder,
            work_dir=work,
            seed=self.config.seed,
            llm_options=llm_options,
            gold=conv if self.factory.needs_gold else None,
            annotations=annotations,
        )

    async def _conversation(
        self,
        conv: Conversation,
        done: set[tuple[str, str]],
        item_sem: asyncio.Semaphore,
        progress: Any,
    ) -> None:
        todo = [
            (task, item)
            for task in self.tasks
            for item in task.items(conv, limit=self.config.limit, options=self.task_options(task))
            if (task.name, item_id_of(item)) not in done
        ]
        if not todo:
            progress.advance("ingest", len(conv.sessions))  # resumed: nothing left to ingest
            return
        agent = self.factory.build(self._context(conv), self.agent_config)
        # Each item is asked right after the session it is due after (QA and event summaries
        # after the last session; a dialogue turn of session k after session k-1), so an agent's
        # memory never holds the future of what it is asked.
        last = conv.sessions[-1].index if conv.sessions else 0
        due: dict[int, list[tuple[Any, Any]]] = {}
        for task, item in todo:
            when = getattr(task, "due_after", None)
            index = when(conv, item) if when is not None else None
            due.setdefault(last if index is None else index, []).append((task, item))
        try:

            async def one(task: Any, item: Any) -> None:
                async with item_sem:
                    if self.errors.exhausted:  # stopping: items still queued are not asked
                        return
                    with phase("answer"):
                        started = time.perf_counter()
                        try:
                            ask = task.ask(agent, conv, item, options=self.task_options(task))
                            reply = await with_timeout(ask, self.config.item_timeout)
                            record: AnswerRecord = AnswerRecord.model_validate(
                                {
                                    **reply,
                                    "task": task.name,
                                    "item_id": item_id_of(item),
                                    "conversation_id": conv.sample_id,
                                    "latency_s": round(time.perf_counter() - started, 4),
                                }
                            )
                        except Exception as exc:  # one item fails, not the run
                            record = error_record(
                                task.name,
                                item_id_of(item),
                                conv.sample_id,
                                describe(exc),
                                round(time.perf_counter() - started, 4),
                            )
                    self._record(record, progress)

            async def ask_due(before: float) -> None:
                ready = [x for k in sorted(due) if k < before for x in due.pop(k)]
                if ready:
                    await asyncio.gather(*(one(t, i) for t, i in ready))

            for session in conv.sessions:
                await ask_due(session.index)  # everything due before this session exists
                with phase("ingest"):

                    async def ingest(s: Any = session) -> Any:
                        return await call(agent.ingest, s, now=s.date_time)

                    failed = await retry_ingest(ingest)
                progress.advance("ingest")
                if failed is not None:
                    # The memory is incomplete from here on: every item still due is errored.
                    for task, item in [x for k in sorted(due) for x in due.pop(k)]:
                        rec = error_record(
                            task.name, item_id_of(item), conv.sample_id, failed, None
                        )
                        self._record(rec, progress)
                    return
            await ask_due(float("inf"))
        finally:
            close = getattr(agent, "aclose", None) or getattr(agent, "close", None)
            if close is not None:
                await call(close)

    def _record(self, record: AnswerRecord, progress: Any) -> None:
        (self.sink or self.run_dir.append_answer)(record)
        self._done += 1
        progress.advance("answer", error=record.error is not None)
        if record.error is not None:
            log.warning(
                "%s %s errored: %s: %s",
                record.task,
                record.item_id,
                record.error.type,
                record.error.message,
            )
            self.errors.add()

    async def run_async(self) -> RunResults:
        started = time.perf_counter()
        await self.ask_all()
        if self._warm is not None:
            self._warm.join()
        progress = self._reporter()
        try:
            return score_run_dir(
                self.run_dir.path,
                ds=self.ds,
                wall_time_s=time.perf_counter() - started,
                progress=progress,
            )
        finally:
            progress.close()

    async def ask_all(self) -> None:
        """Ingest and ask every item not answered yet, streaming answers to the run dir."""
        with RunLock(self.run_dir.path, wait=self.config.wait):
            self.prepare_dir()
            try:
                await self.ask_conversations(self.conversations, set(self.run_dir.done()))
            finally:
                self.run_dir.close()
                self.run_dir.append_usage(self.meter)

    def count_items(self, conversations: Sequence[Conversation]) -> int:
        """Items this configuration asks of ``conversations``."""
        return sum(
            len(task.items(c, limit=self.config.limit, options=self.task_options(task)))
            for c in conversations
            for task in self.tasks
        )

    def pending(self, done: set[tuple[str, str]]) -> dict[str, int]:
        """Items still to ask, per conversation id (only conversations with any)."""
        out: dict[str, int] = {}
        for conv in self.conversations:
            n = sum(
                1
                for task in self.tasks
                for item in task.items(
                    conv, limit=self.config.limit, options=self.task_options(task)
                )
                if (task.name, item_id_of(item)) not in done
            )
            if n:
                out[conv.sample_id] = n
        return out

    async def ask_conversations(
        self, conversations: Sequence[Conversation], done: set[tuple[str, str]]
    ) -> None:
        """Ask every item of ``conversations`` not in ``done``; each record goes to ``sink``.

        The caller holds the run directory (its lock and header): the local run, or the
        coordinator of an executor whose workers each call this on their shard.
        """
        self._total = self.count_items(conversations)
        keys: set[tuple[str, str]] = set().union(*(self._keys(c) for c in conversations))
        self._done = len(done & keys)
        self.errors.total = self._total
        item_sem = asyncio.Semaphore(
            max(1, self.config.concurrency) + prefetched(self.config.concurrency)
        )
        conv_sem = asyncio.Semaphore(max(1, self.config.concurrency))
        progress = self._reporter()
        progress.start("ingest", sum(len(c.sessions) for c in conversations))
        progress.start("answer", self._total, done=self._done)

        async def guarded(conv: Conversation) -> None:
            async with conv_sem:
                await self._conversation(conv, done, item_sem, progress)

        self._warm = warm_in_background(SCORING_MODULES)
        try:
            with use_meter(self.meter):
                await asyncio.gather(*(guarded(c) for c in conversations))
        finally:
            progress.close()

    def _reporter(self) -> Any:
        """Progress of this run's phases, with the cost so far."""
        return make_reporter(self.config.progress, cost=lambda: self.meter.report().total.cost_usd)

    def _keys(self, conv: Conversation) -> set[tuple[str, str]]:
        return {
            (task.name, item_id_of(item))
            for task in self.tasks
            for item in task.items(conv, limit=self.config.limit, options=self.task_options(task))
        }

    def run(self) -> RunResults:
        with frozen_heap():  # start-up's modules and the dataset live as long as the run
            return asyncio.run(self.run_async())


def run(config: RunConfig) -> RunResults:
    """Run ``config`` to completion (resuming whatever its run directory already holds)."""
    return Runner(config).run()
